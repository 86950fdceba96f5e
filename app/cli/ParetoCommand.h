#pragma once

#include <string>
#include <vector>

namespace cascade::app {

// `cascade pareto RESULTS.csv --minimize M,... [--maximize M,...] [-o FRONT.csv] [--plot STEM]`:
// the non-dominated rows of a sweep's results, printed, written and charted (docs/sweeps.md).
int run_pareto_command(const std::vector<std::string>& args);

// `cascade chart RESULTS.csv --x AXIS --y METRIC --plot STEM [--fix AXIS=VALUE]...`: a metric along
// one axis of a sweep with the other axes fixed (docs/sweeps.md).
int run_chart_command(const std::vector<std::string>& args);

}  // namespace cascade::app
