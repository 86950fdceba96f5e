#pragma once

#include <string>
#include <vector>

namespace cascade::validation {

// The NGPC paper's study (Mubarik et al., ISCA 2023; ../shared/reference/ngpc.md section 3) run on
// our models: the four applications (workloads/library/neural_graphics/) with the three encodings
// on the GPU the NGPC config names (the RTX 3090, or another GPU config), and NGPC-8 to NGPC-64
// beside it (configs/arch/ngpc.pbtxt).

// One application with one encoding on the GPU at 1080p: its frame time and where it goes.
struct GpuFrame {
  std::string app, encoding;
  double seconds = 0, encoding_share = 0, mlp_share = 0;
};

// One application (hash grid) with N processors: speedup over the GPU at 1080p, the Amdahl bound,
// and frames per second at 4K and 8K.
struct NgpcPoint {
  std::string app, encoding;
  int processors = 0;
  double speedup = 0, amdahl_bound = 0, fps_4k = 0, fps_8k = 0;
};

// A number of the paper beside ours. `kind`: "relative" (ours within tolerance x paper), "points"
// (within tolerance percentage points), "at least" (ours >= paper).
struct NgpcHeadline {
  std::string name, kind;
  double paper = 0, ours = 0, tolerance = 0;
  std::string depends_on;  // the assumptions the result rests on
  bool holds() const;
};

struct NgpcReproduction {
  std::string gpu;  // the GPU config's name
  std::vector<GpuFrame> frames;
  std::vector<NgpcPoint> points;
  std::vector<std::pair<std::string, double>> gaps_4k60;  // app -> GPU frame time at 4K x 60
  std::vector<NgpcHeadline> headlines;
};

// Runs the study from the repository at `root`; `gpu` names a GPU config in configs/arch/gpu/ to
// put beside the NGPC instead of the config's own (empty: the config's, the RTX 3090).
NgpcReproduction reproduce_ngpc(const std::string& root, const std::string& gpu);

std::string ngpc_markdown(const NgpcReproduction& r);
std::string ngpc_csv(const NgpcReproduction& r);

}  // namespace cascade::validation
