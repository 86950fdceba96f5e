#pragma once

#include <cstdint>
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
  bool has_column(const std::string& name) const;
  const std::string& at(size_t row, const std::string& name) const { return rows[row][column(name)]; }
  // The cell as a finite number; throws InputError naming the file, line and column if it is not
  // one (empty, text, NaN, infinite).
  double number(size_t row, const std::string& name) const;
  // The same, and at least 0 (a time, an energy, a count of flops or bytes), or above 0.
  double non_negative(size_t row, const std::string& name) const;
  double positive(size_t row, const std::string& name) const;
  // The cell as a whole number from `min` to `max` (a launch dimension, a count of layers).
  uint64_t whole(size_t row, const std::string& name, uint64_t min, uint64_t max) const;

  // The harness's measurements of a row: the median time (median_ms, above 0), the energy per
  // launch (energy_j_per_launch; 0 where it was not measured) and the energy window's time per
  // launch (energy_window_s / launches_in_window; 0 where the row has no window).
  double median_s(size_t row) const { return positive(row, "median_ms") * 1e-3; }
  double energy_j(size_t row) const;
  double window_period_s(size_t row) const;
};

// Reads a trace (at most base::kMaxTraceBytes). A file that is not such a table is an InputError
// naming it: binary data, no header row, a column named twice, a row with the wrong number of
// cells (at its line). A table without rows is read as one; its callers decide what it lacks.
TraceTable read_trace_table(const std::string& path);
// The same from text in memory; `file` is the name errors carry.
TraceTable parse_trace_table(const std::string& text, const std::string& file);

}  // namespace cascade::validation
