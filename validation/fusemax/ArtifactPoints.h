#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cascade::validation {

// One point of the FuseMax artifact's stored results (validation/fusemax/artifact_points.csv):
// attention latency (s), energy (pJ) and utilizations of FuseMax, FLAT and unfused, and the rest of
// the model on FLAT's and FuseMax's platforms.
struct ArtifactPoint {
  std::string workload;
  uint64_t seq_len = 0;
  double fusemax_latency = 0, fusemax_energy = 0, fusemax_util_2d = 0, fusemax_util_1d = 0;
  double flat_latency = 0, flat_energy = 0, flat_util_2d = 0, flat_util_1d = 0;
  double unfused_latency = 0, unfused_energy = 0;
  double rest_flat_latency = 0, rest_flat_energy = 0, rest_fusemax_latency = 0,
         rest_fusemax_energy = 0;
};

// Reads the CSV; throws InputError naming the file and line of a malformed row.
std::vector<ArtifactPoint> load_artifact_points(const std::string& path);

}  // namespace cascade::validation
