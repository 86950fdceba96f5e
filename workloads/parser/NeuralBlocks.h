#pragma once

#include "base/TextProtoFile.h"
#include "configs/workload.pb.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// Expands a workload file's neural-graphics blocks (grid_encoding, sh_encoding, mlp; the schema
// and their defaults in configs/workload.proto) into the ranks, tensors, Einsums and operators they
// stand for, appended to `cascade` (whose ranks and tensors from the file are already converted:
// a block reads tensors the file declares). Every entry a block adds carries the block's position.
// Throws base::InputError naming the block's field for a bad parameter or a missing input.
void expand_neural_blocks(const config::Workload& workload, const base::TextProtoFile& source, Cascade& cascade);

}  // namespace cascade::workloads
