#include "validation/fusemax/ArtifactPoints.h"

#include <cstdlib>
#include <sstream>

#include "base/CheckedMath.h"
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
    // A library workload's file name; then finite numbers of at least 0 (latencies, energies,
    // utilizations), the first a whole sequence length.
    if (cells[0].empty() || cells[0].find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
      throw base::InputError(path, {number, 0}, "column 1: '" + cells[0] + "' is not a library workload's name");
    std::vector<double> v;
    for (size_t i = 1; i < cells.size(); ++i) {
      char* end = nullptr;
      v.push_back(std::strtod(cells[i].c_str(), &end));
      if (end == cells[i].c_str() || *end != '\0' || !base::is_finite_non_negative(v.back()))
        throw base::InputError(path, {number, 0}, "column " + std::to_string(i + 1) +
                                                           ": '" + cells[i] + "' is not a finite number of at least 0");
    }
    if (!base::is_whole_in_range<uint64_t>(v[0]) || v[0] < 1 || v[0] > static_cast<double>(uint64_t{1} << 40))
      throw base::InputError(path, {number, 0}, "column 2: sequence length '" + cells[1] + "' is not a whole number from 1 to 2^40");
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
  if (points.empty()) throw base::InputError(path, {}, "no artifact points (a header row, then one row per point)");
  return points;
}

}  // namespace cascade::validation
