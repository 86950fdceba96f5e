#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cascade::base {

// One CSV line split into its cells (RFC 4180 quoting: a quoted cell may hold commas and doubled
// quotes; no line breaks inside cells; a carriage return outside quotes is dropped).
struct CsvLine {
  std::vector<std::string> cells;
  bool unclosed_quote = false;  // the line ended inside a quoted cell
};
CsvLine split_csv_line(std::string_view line);

// A cell as CSV: always quoted, its quotes doubled.
std::string csv_quoted(std::string_view cell);
// A cell as CSV, quoted only where it must be (it holds a comma, a quote or a line break).
std::string csv_cell(std::string_view cell);

}  // namespace cascade::base
