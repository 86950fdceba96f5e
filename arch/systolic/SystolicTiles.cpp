#include "arch/systolic/SystolicTiles.h"

#include <algorithm>

#include "arch/systolic/SystolicGemmCycles.h"

namespace cascade::arch {

std::vector<SystolicTile> systolic_tiles(const SystolicArrayConfig& config, std::uint64_t M,
                                         std::uint64_t N, std::uint64_t K) {
  std::vector<SystolicTile> tiles;
  tiles.reserve(gemm_tile_count(config, M, N, K));
  const auto add = [&](std::uint64_t row_begin, std::uint64_t row_extent, std::uint64_t col_begin) {
    tiles.push_back({row_begin, col_begin, std::min(config.rows, row_extent - row_begin),
                     std::min(config.cols, N - col_begin)});
  };
  if (config.dataflow == Dataflow::OutputStationary) {
    for (std::uint64_t m = 0; m < M; m += config.rows) {
      for (std::uint64_t n = 0; n < N; n += config.cols) {
        add(m, M, n);
      }
    }
  } else {
    for (std::uint64_t n = 0; n < N; n += config.cols) {
      for (std::uint64_t k = 0; k < K; k += config.rows) {
        add(k, K, n);
      }
    }
  }
  return tiles;
}

}  // namespace cascade::arch
