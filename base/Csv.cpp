#include "base/Csv.h"

namespace cascade::base {

CsvLine split_csv_line(std::string_view line) {
  CsvLine out;
  out.cells.emplace_back();
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') {
        out.cells.back() += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        out.cells.back() += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.cells.emplace_back();
    } else if (c != '\r') {
      out.cells.back() += c;
    }
  }
  out.unclosed_quote = quoted;
  return out;
}

std::string csv_quoted(std::string_view cell) {
  std::string out = "\"";
  for (const char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_cell(std::string_view cell) {
  return cell.find_first_of(",\"\n\r") == std::string_view::npos ? std::string(cell) : csv_quoted(cell);
}

}  // namespace cascade::base
