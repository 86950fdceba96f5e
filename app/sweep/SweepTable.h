#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cascade::app {

// A sweep's results CSV read back (`cascade pareto`, `cascade chart`): its columns and rows as
// text. Any CSV of quoted or plain fields with a header line reads; errors are InputError at the
// file and line (a row with another number of fields than the header, an unclosed quote).
class SweepTable {
 public:
  static SweepTable load(const std::string& path);
  SweepTable(const std::string& text, const std::string& file);

  const std::string& file() const { return file_; }
  const std::vector<std::string>& columns() const { return columns_; }
  size_t rows() const { return rows_.size(); }
  const std::vector<std::string>& row(size_t i) const { return rows_[i]; }
  // The column's index; an InputError listing the columns when there is none of that name.
  size_t column(const std::string& name) const;
  // A field as a finite number, or nothing (empty, not a number).
  std::optional<double> number(size_t row, size_t column) const;
  // The line of the file a row came from.
  int line_of(size_t row) const { return lines_[row]; }

 private:
  std::string file_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<int> lines_;
};

}  // namespace cascade::app
