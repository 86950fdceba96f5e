#include "validation/gpu/TraceTable.h"

#include <cstdlib>
#include <sstream>

#include "workloads/ir/SourcePos.h"
#include "workloads/parser/TextProtoFile.h"

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
  throw workloads::InputError(file, {}, "no column '" + name + "'");
}

double TraceTable::number(size_t row, const std::string& name) const {
  const std::string& cell = at(row, name);
  char* end = nullptr;
  const double v = std::strtod(cell.c_str(), &end);
  if (cell.empty() || *end != '\0')
    throw workloads::InputError(file, {lines[row], 0},
                                "column '" + name + "': '" + cell + "' is not a number");
  return v;
}

double TraceTable::energy_j(size_t row) const {
  const std::string& cell = at(row, "energy_j_per_launch");
  return cell.empty() || cell == "nan" ? 0 : number(row, "energy_j_per_launch");
}

double TraceTable::window_period_s(size_t row) const {
  const std::string &window = at(row, "energy_window_s"), &launches = at(row, "launches_in_window");
  if (window.empty() || launches.empty() || window == "nan" || number(row, "launches_in_window") <= 0) return 0;
  return number(row, "energy_window_s") / number(row, "launches_in_window");
}

TraceTable read_trace_table(const std::string& path) {
  TraceTable t;
  t.file = path;
  std::istringstream in(workloads::TextProtoFile::read(path));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    if (line[0] == '#') {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) {
        const auto first = line.find_first_not_of(" #");
        const auto value = line.find_first_not_of(' ', colon + 1);
        t.meta[line.substr(first, colon - first)] = value == std::string::npos ? "" : line.substr(value);
      }
      continue;
    }
    if (t.columns.empty()) {
      t.columns = split(line);
      continue;
    }
    auto cells = split(line);
    if (cells.size() != t.columns.size())
      throw workloads::InputError(path, {number, 0},
                                  "expected " + std::to_string(t.columns.size()) + " cells, found " +
                                      std::to_string(cells.size()));
    t.rows.push_back(std::move(cells));
    t.lines.push_back(number);
  }
  return t;
}

}  // namespace cascade::validation
