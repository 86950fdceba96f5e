#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "configs/workload_report.pb.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// Binds the cascade's shapes (with `overrides` from --set) and analyses it: per Einsum its
// iteration space, dependences, operation counts and pass; per tensor its role and minimum data
// volume; for the cascade the total counts and the pass counts per rank. The record is what
// `cascade workload show` prints and what Python's cascade.load_workload returns.
config::WorkloadReport analyze_workload(const Cascade& cascade,
                                        const std::map<std::string, uint64_t>& overrides);

}  // namespace cascade::workloads
