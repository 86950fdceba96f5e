#pragma once

#include <string>
#include <vector>

namespace cascade::app {

// `cascade sweep SPEC.pbtxt -o RESULTS.csv [--jsonl FILE] [-j N] [--resume] [--mpi]`: every point of
// a sweep spec (configs/sweep.proto) evaluated, one row each (docs/sweeps.md).
int run_sweep_command(const std::vector<std::string>& args);

}  // namespace cascade::app
