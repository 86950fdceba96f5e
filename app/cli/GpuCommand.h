#pragma once

#include <string>
#include <vector>

namespace cascade::app {

// `cascade gpu <command>`: occupancy (blocks per SM, occupancy, warps and the limiting factors of
// a kernel on a GPU config), time (one kernel launch), validate and calibrate (the GPU model on
// measured traces); docs/gpu.md.
int run_gpu_command(const std::vector<std::string>& args);

}  // namespace cascade::app
