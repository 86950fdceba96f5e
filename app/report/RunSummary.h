#pragma once

#include <string>

#include "sim/result/Result.h"

namespace cascade::app {

// A model evaluation as a human-readable summary: cycles, seconds, energy by component, unit
// utilization, traffic per memory level and the phases.
std::string format_run_summary(const sim::Result& result);

}  // namespace cascade::app
