#pragma once

#include <string>

#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// Writes a cascade back as a workload file (protobuf text format) with every Einsum in canonical
// form; parsing the result gives an equal cascade.
std::string print_workload(const Cascade& cascade);

}  // namespace cascade::workloads
