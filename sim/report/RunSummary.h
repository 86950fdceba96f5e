#pragma once

#include <string>

#include "sim/result/Result.h"

namespace cascade::sim {

// A model evaluation as a human-readable summary: cycles, seconds, energy by component, unit
// utilization, traffic per memory level and the phases.
std::string format_run_summary(const Result& result);

}  // namespace cascade::sim
