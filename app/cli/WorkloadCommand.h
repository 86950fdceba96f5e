#pragma once

#include <string>
#include <vector>

namespace cascade::app {

// `cascade workload check FILE...` and `cascade workload show FILE [--set R=N]... [--format
// text|json] [--plot FILE.png]`. `args` are the words after "workload". Returns the exit code;
// throws UsageError or cascade::base::InputError on bad input.
int run_workload_command(const std::vector<std::string>& args);

}  // namespace cascade::app
