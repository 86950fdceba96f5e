#pragma once

#include <string>
#include <vector>

namespace cascade::app {

// `cascade reproduce fusemax [--root DIR] [--out DIR] [--fidelity analytical|cycle]`: the FuseMax
// paper's comparison, with the paper's numbers beside ours (validation/fusemax/).
int run_reproduce_command(const std::vector<std::string>& args);

}  // namespace cascade::app
