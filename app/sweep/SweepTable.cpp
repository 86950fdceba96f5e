#include "app/sweep/SweepTable.h"

#include <charconv>
#include <cmath>

#include "base/Csv.h"
#include "base/InputError.h"
#include "base/InputFile.h"
#include "base/Text.h"

namespace cascade::app {
namespace {

// The most bytes of a results file read back: a sweep of millions of points.
constexpr uint64_t kMaxTableBytes = uint64_t{1} << 30;

// The fields of one CSV line.
std::vector<std::string> split_line(const std::string& file, int line, std::string_view text) {
  base::CsvLine fields = base::split_csv_line(text);
  if (fields.unclosed_quote)
    throw base::InputError(file, {line, static_cast<int>(text.size()) + 1}, "a quoted field is not closed");
  return std::move(fields.cells);
}

}  // namespace

SweepTable SweepTable::load(const std::string& path) {
  return SweepTable(base::read_input_file(path, kMaxTableBytes), path);
}

SweepTable::SweepTable(const std::string& text, const std::string& file) : file_(file) {
  size_t at = 0;
  int line = 0;
  while (at < text.size()) {
    const size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view content(text.data() + at, end - at);
    ++line;
    at = end + 1;
    if (content.empty() || content == "\r") continue;
    auto fields = split_line(file, line, content);
    if (columns_.empty()) {
      columns_ = std::move(fields);
      continue;
    }
    if (fields.size() != columns_.size())
      throw base::InputError(file, {line, 1}, "a row of " + std::to_string(fields.size()) + " fields under a header of " +
                                                  std::to_string(columns_.size()));
    rows_.push_back(std::move(fields));
    lines_.push_back(line);
  }
  if (columns_.empty()) throw base::InputError(file, {}, "no header line: not a sweep's results");
}

size_t SweepTable::column(const std::string& name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i] == name) return i;
  std::string all;
  for (const auto& c : columns_) all += (all.empty() ? "" : ", ") + base::printable(c);
  throw base::InputError(file_, {1, 1}, "no column '" + base::printable(name) + "' (columns: " + all + ")");
}

std::optional<double> SweepTable::number(size_t row, size_t column) const {
  const std::string& s = rows_[row][column];
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace cascade::app
