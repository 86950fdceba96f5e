#pragma once

#include <cstdint>
#include <vector>

#include "workloads/analysis/OperatorStructure.h"

namespace cascade::arch::ngpc {

// The cycles one grid lookup (a query's 2^dims corners at one level) takes on an engine whose SRAM
// has `banks` banks, when an entry's bank is its index modulo the banks: the corners in the
// busiest bank, read one a cycle. Per level, the mean over `samples` queries at deterministic
// pseudo-random positions in [0, 1)^dims, each corner indexed as tiny-cuda-nn indexes it
// (encodings/grid.h: a level with more vertices than its table hashes them, x_0 pi_0 ^ x_1 pi_1 ^
// ..., with pi = 1, 2654435761, 805459861, 3674653429; another indexes them densely,
// x_0 + x_1 res + x_2 res^2 ...; both modulo the level's entries).
std::vector<double> index_modulo_lookup_cycles(const workloads::GridEncodingStructure& grid, uint32_t banks,
                                               uint32_t samples = 4096);

}  // namespace cascade::arch::ngpc
