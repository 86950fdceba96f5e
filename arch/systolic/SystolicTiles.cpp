#include "arch/systolic/SystolicTiles.h"

#include <algorithm>

#include "arch/systolic/SystolicGemmCycles.h"

namespace cascade::arch {

std::vector<SystolicTile> systolic_tiles(const SystolicArrayConfig& config, std::uint64_t M,
                                         std::uint64_t N, std::uint64_t K) {
  std::vector<SystolicTile> tiles;
  tiles.reserve(gemm_tile_count(config, M, N, K));
  if (config.dataflow == Dataflow::OutputStationary) {
    for (std::uint64_t m = 0; m < M; m += config.rows) {
      for (std::uint64_t n = 0; n < N; n += config.cols) {
        tiles.push_back({m, n, std::min(config.rows, M - m), std::min(config.cols, N - n)});
      }
    }
  } else {
    // WS: N along the columns; IS: M.
    const std::uint64_t columns = config.dataflow == Dataflow::WeightStationary ? N : M;
    for (std::uint64_t n = 0; n < columns; n += config.cols) {
      for (std::uint64_t k = 0; k < K; k += config.rows) {
        tiles.push_back({k, n, std::min(config.rows, K - k), std::min(config.cols, columns - n)});
      }
    }
  }
  return tiles;
}

}  // namespace cascade::arch
