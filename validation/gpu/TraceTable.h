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
};

// Reads a trace; a row with the wrong number of cells is an InputError naming its line.
TraceTable read_trace_table(const std::string& path);

}  // namespace cascade::validation
