#pragma once

#include <cstdint>

#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// The positions of `tensor` the cascade can touch at these sizes: all of them, except for an input
// that every Einsum reads through a gather (G[l, H[n,l,c], f]): there each read reaches at most as
// many positions of the gathered rank as its lookups, so a read touches at most, per position of
// its other indices, min(the gathered rank's extent, the points of the variables only the gather
// has) — per level of a grid table, min(the level's entries, queries x corners). The sum over the
// reads, capped at the tensor's size. An upper bound on the distinct positions (lookups may repeat),
// so the minimum traffic a lookup table needs.
uint64_t touched_elements(const Cascade& cascade, const Tensor& tensor, const RankSizes& sizes);

}  // namespace cascade::workloads
