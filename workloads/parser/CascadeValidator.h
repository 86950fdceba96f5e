#pragma once

#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// Checks what the syntax cannot: every tensor and rank declared, arities, index ranks, tensors
// written once, reductions over ranks an input has, recurrences with initial values, partitions
// well formed, and no cycle among the Einsums. Throws base::InputError at the first problem.
void validate_cascade(const Cascade& cascade);

}  // namespace cascade::workloads
