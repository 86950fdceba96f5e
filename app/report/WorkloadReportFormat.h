#pragma once

#include <string>

#include "configs/workload_report.pb.h"

namespace cascade::app {

// The report of `cascade workload show` as a human-readable table.
std::string format_workload_text(const config::WorkloadReport& report);

// The same record as JSON (protobuf's JSON mapping; 64-bit counts are strings, as that mapping
// specifies, so no JSON reader loses precision).
std::string format_workload_json(const config::WorkloadReport& report);

}  // namespace cascade::app
