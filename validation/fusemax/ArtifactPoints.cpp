#include "validation/fusemax/ArtifactPoints.h"

#include <cstdlib>
#include <sstream>

#include "base/InputError.h"
#include "base/TextProtoFile.h"

namespace cascade::validation {

std::vector<ArtifactPoint> load_artifact_points(const std::string& path) {
  std::istringstream in(base::TextProtoFile::read(path));
  std::vector<ArtifactPoint> points;
  std::string line;
  int number = 0;
  bool header = true;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    if (header) {  // the column names
      header = false;
      continue;
    }
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    if (cells.size() != 16)
      throw base::InputError(path, {number, 0},
                                  "expected 16 columns, found " + std::to_string(cells.size()));
    std::vector<double> v;
    for (size_t i = 1; i < cells.size(); ++i) {
      char* end = nullptr;
      v.push_back(std::strtod(cells[i].c_str(), &end));
      if (end == cells[i].c_str() || *end != '\0')
        throw base::InputError(path, {number, 0}, "column " + std::to_string(i + 1) +
                                                           ": '" + cells[i] + "' is not a number");
    }
    ArtifactPoint p;
    p.workload = cells[0];
    p.seq_len = static_cast<uint64_t>(v[0]);
    p.fusemax_latency = v[1];
    p.fusemax_energy = v[2];
    p.fusemax_util_2d = v[3];
    p.fusemax_util_1d = v[4];
    p.flat_latency = v[5];
    p.flat_energy = v[6];
    p.flat_util_2d = v[7];
    p.flat_util_1d = v[8];
    p.unfused_latency = v[9];
    p.unfused_energy = v[10];
    p.rest_flat_latency = v[11];
    p.rest_flat_energy = v[12];
    p.rest_fusemax_latency = v[13];
    p.rest_fusemax_energy = v[14];
    points.push_back(p);
  }
  return points;
}

}  // namespace cascade::validation
