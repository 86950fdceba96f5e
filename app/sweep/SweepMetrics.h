#pragma once

#include <optional>
#include <string>

#include "sim/result/Result.h"

namespace cascade::app {

// The metrics a sweep row can hold, by name (docs/sweeps.md):
//   cycles, seconds, energy_j;
//   power_w     energy / seconds;
//   edp_js      energy-delay product, energy_j x seconds;
//   area_mm2    the chip area of the point's architecture, where its model has an area model;
//   dram_bytes  bytes read from and written to DRAM;
//   utilization.<unit>  the unit's busy cycles / cycles (utilization.array2d);
//   stat.<name>  one of the record's stats (stat.attention.p1).
bool is_sweep_metric(const std::string& name);
// The names above, for an error message.
const char* sweep_metric_names();

// The metric of a record, or nothing where the record has none (a GPU's area, a stat it lacks).
std::optional<double> sweep_metric(const std::string& name, const sim::Result& result,
                                   std::optional<double> area_mm2);

}  // namespace cascade::app
