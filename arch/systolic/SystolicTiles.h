// The tiles of the stationary operand a GEMM is cut into (mapping: SystolicGemmCycles.h), in the
// order the array runs them.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/systolic/SystolicArrayConfig.h"

namespace cascade::arch {

struct SystolicTile {
  std::uint64_t row_begin = 0;  // first M (OS) or K (WS, IS) index on array row 0
  std::uint64_t col_begin = 0;  // first N (OS, WS) or M (IS) index on array column 0
  std::uint64_t rows_used = 0;  // r: min(R, what is left of M or K)
  std::uint64_t cols_used = 0;  // c: min(C, what is left of N or M)

  friend bool operator==(const SystolicTile&, const SystolicTile&) = default;
};

// OS: for each M-block, each N-block. WS: for each N-block, each K-block; IS: for each M-block,
// each K-block; so the K tiles that add into one block of C run back to back. Throws like gemm_cycles.
std::vector<SystolicTile> systolic_tiles(const SystolicArrayConfig& config, std::uint64_t M,
                                         std::uint64_t N, std::uint64_t K);

}  // namespace cascade::arch
