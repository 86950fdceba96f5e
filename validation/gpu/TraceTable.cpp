#include "validation/gpu/TraceTable.h"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>

#include "base/InputError.h"
#include "base/InputFile.h"

namespace cascade::validation {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

}  // namespace

size_t TraceTable::column(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return i;
  throw base::InputError(file, {}, "no column '" + name + "'");
}

bool TraceTable::has_column(const std::string& name) const {
  for (const auto& c : columns)
    if (c == name) return true;
  return false;
}

double TraceTable::number(size_t row, const std::string& name) const {
  const std::string& cell = at(row, name);
  char* end = nullptr;
  const double v = std::strtod(cell.c_str(), &end);
  if (cell.empty() || *end != '\0' || !std::isfinite(v))
    throw base::InputError(file, {lines[row], 0}, "column '" + name + "': '" + cell + "' is not a finite number");
  return v;
}

double TraceTable::non_negative(size_t row, const std::string& name) const {
  const double v = number(row, name);
  if (v < 0) throw base::InputError(file, {lines[row], 0}, "column '" + name + "': " + at(row, name) + " is negative");
  return v;
}

double TraceTable::positive(size_t row, const std::string& name) const {
  const double v = number(row, name);
  if (!(v > 0))
    throw base::InputError(file, {lines[row], 0}, "column '" + name + "': " + at(row, name) + " is not above 0");
  return v;
}

uint64_t TraceTable::whole(size_t row, const std::string& name, uint64_t min, uint64_t max) const {
  const double v = number(row, name);
  if (v != std::floor(v) || v < static_cast<double>(min) || v > static_cast<double>(max))
    throw base::InputError(file, {lines[row], 0},
                           "column '" + name + "': " + at(row, name) + " is not a whole number from " +
                               std::to_string(min) + " to " + std::to_string(max));
  return static_cast<uint64_t>(v);
}

double TraceTable::energy_j(size_t row) const {
  const std::string& cell = at(row, "energy_j_per_launch");
  return cell.empty() || cell == "nan" ? 0 : non_negative(row, "energy_j_per_launch");
}

double TraceTable::window_period_s(size_t row) const {
  const std::string &window = at(row, "energy_window_s"), &launches = at(row, "launches_in_window");
  if (window.empty() || launches.empty() || window == "nan" || non_negative(row, "launches_in_window") <= 0) return 0;
  return non_negative(row, "energy_window_s") / non_negative(row, "launches_in_window");
}

TraceTable read_trace_table(const std::string& path) {
  return parse_trace_table(base::read_input_file(path, base::kMaxTraceBytes), path);
}

TraceTable parse_trace_table(const std::string& text, const std::string& path) {
  TraceTable t;
  t.file = path;
  if (text.find('\0') != std::string::npos)
    throw base::InputError(path, {}, "binary data: not a CSV trace of the harness (validation/cuda/README.md)");
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '#') {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        const auto first = line.find_first_not_of(" #");
        if (first == std::string::npos || first > colon) continue;
        const auto value = line.find_first_not_of(' ', colon + 1);
        t.meta[line.substr(first, colon - first)] = value == std::string::npos ? "" : line.substr(value);
      }
      continue;
    }
    if (t.columns.empty()) {
      t.columns = split(line);
      std::set<std::string> names;
      for (const auto& c : t.columns)
        if (!names.insert(c).second) throw base::InputError(path, {number, 0}, "column '" + c + "' is named twice");
      continue;
    }
    auto cells = split(line);
    if (cells.size() != t.columns.size())
      throw base::InputError(path, {number, 0},
                             "expected " + std::to_string(t.columns.size()) + " cells, found " +
                                 std::to_string(cells.size()));
    t.rows.push_back(std::move(cells));
    t.lines.push_back(number);
  }
  if (t.columns.empty()) throw base::InputError(path, {}, "no header row: not a CSV trace of the harness");
  return t;
}

}  // namespace cascade::validation
