#pragma once

#include <string>
#include <vector>

namespace cascade::app {

// `cascade run --arch ARCH.pbtxt --workload W.pbtxt [--set R=N]... [--fidelity analytical|cycle]
// [--output FILE.json]`: evaluates the architecture's model on the workload, prints a summary and
// writes the record as JSON.
int run_run_command(const std::vector<std::string>& args);

}  // namespace cascade::app
