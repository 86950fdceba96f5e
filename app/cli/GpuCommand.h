#pragma once

#include <string>
#include <vector>

namespace cascade::app {

// `cascade gpu occupancy --arch NAME|FILE --block N --regs N [--smem N] [--static-smem N]
// [--carveout P] [--max-dynamic-smem N] [--barriers N] [--root DIR]`: blocks per SM, occupancy,
// warps and the limiting factors of a kernel on a GPU config (docs/gpu.md).
int run_gpu_command(const std::vector<std::string>& args);
// `cascade calibrate ...` and `cascade validate ...`: the GPU model's calibration and validation
// on measured traces (the latter the same as `cascade gpu validate`).
int run_calibrate(const std::vector<std::string>& args);
int run_validate(const std::vector<std::string>& args);

}  // namespace cascade::app
