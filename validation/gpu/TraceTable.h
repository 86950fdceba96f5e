#pragma once

#include <map>
#include <string>
#include <vector>

namespace cascade::validation {

// A measured trace as the CUDA harness writes it (validation/cuda/README.md): `# key: value`
// lines (GPU, driver, clocks, date), then a CSV header and rows without quoting.
struct TraceTable {
  std::string file;
  std::map<std::string, std::string> meta;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  // the file line of each row, for errors

  // The column's index; throws InputError naming the file if it is missing.
  size_t column(const std::string& name) const;
  const std::string& at(size_t row, const std::string& name) const { return rows[row][column(name)]; }
  // The cell as a number; throws InputError naming the file, line and column if it is not one.
  double number(size_t row, const std::string& name) const;

  // The harness's measurements of a row: the median time (median_ms), the energy per launch
  // (energy_j_per_launch; 0 where it was not measured) and the energy window's time per launch
  // (energy_window_s / launches_in_window; 0 where the row has no window).
  double median_s(size_t row) const { return number(row, "median_ms") * 1e-3; }
  double energy_j(size_t row) const;
  double window_period_s(size_t row) const;
};

// Reads a trace; a row with the wrong number of cells is an InputError naming its line.
TraceTable read_trace_table(const std::string& path);

}  // namespace cascade::validation
