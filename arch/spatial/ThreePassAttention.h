#pragma once

#include "arch/spatial/AttentionShape.h"
#include "arch/spatial/PhaseEvaluator.h"
#include "sim/result/Result.h"

namespace cascade::arch {

// The operations of attention as the baselines compute it (FuseMax paper, the 3-pass cascade):
// QK and AV as multiply-accumulates on the 2D array; on the 1D array the softmax's maximum, the
// subtraction and exponential, the sum and the division, one each per score. Accounts their
// compute and register-file energy (each action one register read and write) and, for operands
// from the buffer, reads reused across the 2D array's rows and columns.
void account_three_pass_attention(const AttentionShape& shape, const PhaseEvaluator& phases,
                                  const ArchConfig& config, sim::Result& result);

// Cycles of the 1D array for the softmax: four passes over the scores, one element per PE per
// cycle, the multi-cycle operations pipelined (artifact stable_softmax.py).
double three_pass_softmax_cycles(const AttentionShape& shape, const ArchConfig& config);

}  // namespace cascade::arch
