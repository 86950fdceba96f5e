// The tile-granular cycle mode of a systolic GEMM (arch/systolic/SystolicTileProgram.h) against the
// closed form (SystolicGemmCycles.h), which the PE-level model checks in Serial mode.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "arch/systolic/SystolicGemmCycles.h"
#include "arch/systolic/SystolicTileProgram.h"

namespace cascade::arch {
namespace {

TEST(SystolicTileProgram, WeightStationaryTilesByHand) {
  // 2 x 2 array, M = 2, N = 3, K = 3, Serial: tiles (r, c) = (2, 2), (1, 2), (2, 1), (1, 1), each
  // r + R + c + M - 1 = r + c + 3 cycles: 7, 6, 6, 5, the last captured in cycle 24
  // (tests/arch/systolic_pe_array_test.cpp clocks the same GEMM PE by PE).
  const SystolicArrayConfig config{2, 2, Dataflow::WeightStationary};
  // Two N-blocks (c = 2, then c = 1), each a block of a K-tile of r = 2 and one of r = 1.
  const sim::RoundProgram program = systolic_tile_program(config, 2, 3, 3);
  ASSERT_EQ(program.blocks.size(), 2u);
  std::vector<std::uint64_t> costs;
  for (const auto& block : program.blocks) {
    EXPECT_EQ(block.repeat, 1u);
    for (const auto& run : block.runs) {
      EXPECT_EQ(run.count, 1u);
      ASSERT_EQ(run.tasks.size(), 1u);
      costs.push_back(run.tasks[0].cycles);
    }
  }
  EXPECT_EQ(costs, (std::vector<std::uint64_t>{7, 6, 6, 5}));
  EXPECT_EQ(simulate_systolic_tiles(config, 2, 3, 3).cycles, 24u);
}

TEST(SystolicTileProgram, PipelinedByHand) {
  // 8 x 8 OS, M = N = K = 16: 4 tiles every P = 30 cycles, the last captured in 4 x 30 + 1.
  const SystolicArrayConfig config{8, 8, Dataflow::OutputStationary, TileOverlap::Pipelined};
  const SystolicTileRun run = simulate_systolic_tiles(config, 16, 16, 16);
  EXPECT_EQ(run.cycles, 121u);
  EXPECT_EQ(run.tiles, 4u);
}

TEST(SystolicTileProgram, EqualsTheClosedFormEverywhere) {
  for (const Dataflow dataflow : {Dataflow::OutputStationary, Dataflow::WeightStationary, Dataflow::InputStationary})
    for (const TileOverlap overlap : {TileOverlap::Serial, TileOverlap::Pipelined})
      for (const std::uint64_t rows : {1u, 3u, 8u})
        for (const std::uint64_t cols : {1u, 5u, 8u})
          for (const std::uint64_t M : {1u, 7u, 17u})
            for (const std::uint64_t N : {1u, 8u, 19u})
              for (const std::uint64_t K : {1u, 9u, 24u}) {
                const SystolicArrayConfig config{rows, cols, dataflow, overlap};
                const std::string what = std::string(to_string(dataflow)) + " " + std::string(to_string(overlap)) +
                                         " " + std::to_string(rows) + "x" + std::to_string(cols) + " M=" +
                                         std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K);
                const SystolicTileRun fast = simulate_systolic_tiles(config, M, N, K);
                EXPECT_EQ(fast.cycles, gemm_cycles(config, M, N, K)) << what;
                EXPECT_EQ(fast.tiles, gemm_tile_count(config, M, N, K)) << what;
                EXPECT_EQ(simulate_systolic_tiles(config, M, N, K, false).cycles, fast.cycles) << what;
              }
}

TEST(SystolicTileProgram, LargeGemmsRunAFewTiles) {
  // GNMT's 1632 x 36548 x 1024 GEMM (SCALE-Sim's topologies/GEMM_mnk/gnmt.csv) on 8 x 8: about a
  // million tiles, of at most four shapes; fast-forward simulates a bounded number of them.
  for (const TileOverlap overlap : {TileOverlap::Serial, TileOverlap::Pipelined}) {
    const SystolicArrayConfig config{8, 8, Dataflow::OutputStationary, overlap};
    const SystolicTileRun run = simulate_systolic_tiles(config, 1632, 36548, 1024);
    EXPECT_EQ(run.cycles, gemm_cycles(config, 1632, 36548, 1024));
    EXPECT_EQ(run.tiles, 204u * 4569u);
    EXPECT_LT(run.tiles_simulated, 100u);
    EXPECT_LE(systolic_tile_program(config, 1632, 36548, 1024).blocks.size(), 2u);
  }
}

}  // namespace
}  // namespace cascade::arch
