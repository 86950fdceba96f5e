// PE-level fidelity of the systolic array (DESIGN.md, fidelity ladder, level 3): runs one GEMM
// C = A * B on every PE of the array, clocked, in its own fresh SystemC kernel, and returns the
// numeric result with the cycle count. It exists to prove the analytical timing of
// SystolicGemmCycles.h, which it must match exactly; it is meant for small arrays.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/systolic/IntMatrix.h"
#include "arch/systolic/SystolicArrayConfig.h"

namespace cascade::arch {

// Arrays larger than this in rows or cols are refused: the PE-level model builds a SystemC
// module per PE, and the analytical model is the one for large arrays.
inline constexpr std::uint64_t kMaxPeLevelArrayDim = 64;

struct SystolicGemmRun {
  IntMatrix c;                                   // M x N
  std::uint64_t total_cycles = 0;                // cycle the last result was captured
  std::vector<std::uint64_t> tile_start_cycles;  // cycle each tile started, in tile order
  std::uint64_t mac_count = 0;                   // MACs done by all PEs together
};

// Throws std::invalid_argument for a bad config (see validate), rows or cols above
// kMaxPeLevelArrayDim, a dimension of 0 ("GEMM M must be at least 1, got 0", with M = a.rows,
// N = b.cols, K = a.cols), a.cols != b.rows, or a matrix whose values do not match its shape;
// std::runtime_error if the array has not finished after a cycle bound no correct run reaches.
SystolicGemmRun simulate_systolic_gemm(const SystolicArrayConfig& config, const IntMatrix& a,
                                       const IntMatrix& b);

// The checks of a PE-level run's operands, in the order above, with `who` naming the model in
// the message: a bad config, a dimension of 0, A's columns not B's rows, a matrix whose values
// do not match its shape.
void check_systolic_operands(const char* who, const SystolicArrayConfig& config, const IntMatrix& a,
                             const IntMatrix& b);

}  // namespace cascade::arch
