// The PE-level models of the systolic array: the SystemC one (SimulateSystolicGemm.h), whose
// numeric result equals a plain triple-loop GEMM and whose cycle count equals the closed form of
// SystolicGemmCycles.h exactly, tile by tile, for the three dataflows and shapes with partial
// tiles; and the vectorised one (VectorisedPeArray.h), which must run exactly as the SystemC one
// (same result, cycles, tile starts and MACs) and, with Pipelined tiles and on arrays too large
// for SystemC, match the closed form.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "arch/systolic/SimulateSystolicGemm.h"
#include "arch/systolic/SystolicGemmCycles.h"
#include "arch/systolic/SystolicTiles.h"
#include "arch/systolic/VectorisedPeArray.h"

namespace cascade::arch {
namespace {

constexpr Dataflow OS = Dataflow::OutputStationary;
constexpr Dataflow WS = Dataflow::WeightStationary;
constexpr Dataflow IS = Dataflow::InputStationary;

// Deterministic values in [-8, 8] (a linear congruential generator), negative ones included so
// a sign slip in the PEs shows.
IntMatrix pseudo_random(std::uint64_t rows, std::uint64_t cols, std::uint64_t seed) {
  IntMatrix matrix(rows, cols);
  std::uint64_t state = seed * 6364136223846793005u + 1442695040888963407u;
  for (std::int64_t& value : matrix.values) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    value = static_cast<std::int64_t>((state >> 33) % 17) - 8;
  }
  return matrix;
}

IntMatrix triple_loop_gemm(const IntMatrix& a, const IntMatrix& b) {
  IntMatrix c(a.rows, b.cols);
  for (std::size_t m = 0; m < a.rows; ++m) {
    for (std::size_t n = 0; n < b.cols; ++n) {
      for (std::size_t k = 0; k < a.cols; ++k) {
        c.at(m, n) += a.at(m, k) * b.at(k, n);
      }
    }
  }
  return c;
}

TEST(SystolicPeArray, OutputStationaryTwoTilesByHand) {
  // 2 x 2 array, M = 3, N = 2, K = 2. Tiles: (r = 2, c = 2) then (r = 1, c = 2).
  // Tile 0 (t0 = 0): PE(1,1) does MAC k = 1 in 1 + 1 + 1 + 1 = 4, its result is in PE(0,1)'s
  //   upward register in 5 and captured in 6 (2r + c + K - 2 = 6). Tile 1 starts in 6.
  // Tile 1 (t0 = 6): PE(0,1) does MAC k = 1 in 6 + 1 + 0 + 1 + 1 = 9 and the top edge
  //   captures it in 10 (2 + 2 + 2 - 2 = 4 cycles). Total 10; 3 * 2 * 2 = 12 MACs.
  const IntMatrix a = pseudo_random(3, 2, 1);
  const IntMatrix b = pseudo_random(2, 2, 2);
  const SystolicGemmRun run = simulate_systolic_gemm({2, 2, OS}, a, b);
  EXPECT_EQ(run.tile_start_cycles, (std::vector<std::uint64_t>{0, 6}));
  EXPECT_EQ(run.total_cycles, 10u);
  EXPECT_EQ(run.mac_count, 12u);
  EXPECT_EQ(run.c, triple_loop_gemm(a, b));
}

TEST(SystolicPeArray, WeightStationaryFourTilesByHand) {
  // 2 x 2 array, M = 2, N = 3, K = 3. Tiles, N-blocks outer: (r, c) = (2, 2), (1, 2), (2, 1),
  //   (1, 1), each costing r + R + c + M - 1 = r + c + 3: 7, 6, 6, 5.
  // Tile 0 by hand (t0 = 0): weights of rows 1, 0 registered in 0, 1, latched in 2; A[m, i]
  //   registered into row i in 2 + i + m; PE(1,1) adds m = 1 in 3 + 1 + 1 + 1 = 6, the bottom
  //   edge captures it in 7.
  // Starts 0, 7, 13, 19; total 24; 2 * 3 * 3 = 18 MACs. The K tiles of one N-block add into C
  //   in the output buffer.
  const IntMatrix a = pseudo_random(2, 3, 3);
  const IntMatrix b = pseudo_random(3, 3, 4);
  const SystolicGemmRun run = simulate_systolic_gemm({2, 2, WS}, a, b);
  EXPECT_EQ(run.tile_start_cycles, (std::vector<std::uint64_t>{0, 7, 13, 19}));
  EXPECT_EQ(run.total_cycles, 24u);
  EXPECT_EQ(run.mac_count, 18u);
  EXPECT_EQ(run.c, triple_loop_gemm(a, b));
}

struct SweepCase {
  std::uint64_t rows, cols;
  Dataflow dataflow;
  std::uint64_t M, N, K;
};

std::string case_name(const SweepCase& c) {
  return std::string(c.dataflow == OS ? "OS" : c.dataflow == WS ? "WS" : "IS") + "_" + std::to_string(c.rows) + "x" +
         std::to_string(c.cols) + "_M" + std::to_string(c.M) + "_N" + std::to_string(c.N) + "_K" +
         std::to_string(c.K);
}

void PrintTo(const SweepCase& c, std::ostream* os) { *os << case_name(c); }

// For each array: a single full tile, a single MAC, and shapes that leave partial tiles in M, N
// and K (none a multiple of R or C), so both the row and the column edge of the closed form and
// the WS and IS accumulation over K tiles are exercised. Rectangular arrays tell R from C.
std::vector<SweepCase> sweep() {
  std::vector<SweepCase> cases;
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> arrays = {
      {8, 8}, {16, 16}, {32, 32}, {8, 16}, {16, 8}};
  for (const auto& [R, C] : arrays) {
    for (const Dataflow dataflow : {OS, WS, IS}) {
      cases.push_back({R, C, dataflow, R, C, R});
      cases.push_back({R, C, dataflow, 1, 1, 1});
      cases.push_back({R, C, dataflow, 2 * R + 3, C + 5, 7});
      cases.push_back({R, C, dataflow, R - 1, 2 * C + 1, 2 * R + 5});
      cases.push_back({R, C, dataflow, 3, C - 3, R + 1});
    }
  }
  return cases;
}

class SystolicPeArrayMatchesClosedForm : public testing::TestWithParam<SweepCase> {
 protected:
  // The case's operands, deterministic.
  IntMatrix a() const { return pseudo_random(GetParam().M, GetParam().K, GetParam().rows * 1000 + GetParam().M); }
  IntMatrix b() const { return pseudo_random(GetParam().K, GetParam().N, GetParam().cols * 1000 + GetParam().N); }
};

TEST_P(SystolicPeArrayMatchesClosedForm, CyclesAndResult) {
  const SweepCase& c = GetParam();
  const SystolicArrayConfig config{c.rows, c.cols, c.dataflow};
  const SystolicGemmRun run = simulate_systolic_gemm(config, a(), b());

  EXPECT_EQ(run.c, triple_loop_gemm(a(), b()));
  EXPECT_EQ(run.total_cycles, gemm_cycles(config, c.M, c.N, c.K));
  EXPECT_EQ(run.mac_count, c.M * c.N * c.K);  // one MAC per PE per cycle, none wasted
  // Tile by tile: each tile lasts exactly its closed-form cost.
  const std::vector<SystolicTile> tiles = systolic_tiles(config, c.M, c.N, c.K);
  ASSERT_EQ(run.tile_start_cycles.size(), tiles.size());
  for (std::size_t t = 0; t < tiles.size(); ++t) {
    const std::uint64_t end =
        t + 1 < tiles.size() ? run.tile_start_cycles[t + 1] : run.total_cycles;
    const std::uint64_t stream = c.dataflow == OS ? c.K : c.dataflow == WS ? c.M : c.N;
    EXPECT_EQ(end - run.tile_start_cycles[t],
              systolic_tile_cycles(config, tiles[t].rows_used, tiles[t].cols_used, stream).total())
        << "tile " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Sweep, SystolicPeArrayMatchesClosedForm, testing::ValuesIn(sweep()),
                         [](const testing::TestParamInfo<SweepCase>& info) {
                           return case_name(info.param);
                         });

TEST_P(SystolicPeArrayMatchesClosedForm, VectorisedRunsAsTheSystemCModel) {
  const SweepCase& c = GetParam();
  const SystolicArrayConfig config{c.rows, c.cols, c.dataflow};
  const SystolicGemmRun systemc = simulate_systolic_gemm(config, a(), b());
  const SystolicGemmRun vectorised = simulate_systolic_gemm_vectorised(config, a(), b());
  EXPECT_EQ(vectorised.c, systemc.c);
  EXPECT_EQ(vectorised.total_cycles, systemc.total_cycles);
  EXPECT_EQ(vectorised.tile_start_cycles, systemc.tile_start_cycles);
  EXPECT_EQ(vectorised.mac_count, systemc.mac_count);
}

TEST_P(SystolicPeArrayMatchesClosedForm, VectorisedPipelined) {
  // Pipelined: every tile padded to the full array (zeros past the GEMM's edge), tile f starts in
  // f x P and the last result is captured in tiles x P + 1, each result where the triple loop puts
  // it; every PE does a MAC a streamed step of every tile.
  const SweepCase& c = GetParam();
  const SystolicArrayConfig config{c.rows, c.cols, c.dataflow, TileOverlap::Pipelined};
  const SystolicGemmRun run = simulate_systolic_gemm_vectorised(config, a(), b());
  EXPECT_EQ(run.c, triple_loop_gemm(a(), b()));
  EXPECT_EQ(run.total_cycles, gemm_cycles(config, c.M, c.N, c.K));
  const std::uint64_t stream = c.dataflow == OS ? c.K : c.dataflow == WS ? c.M : c.N;
  const std::uint64_t tiles = gemm_tile_count(config, c.M, c.N, c.K);
  EXPECT_EQ(run.mac_count, tiles * c.rows * c.cols * stream);
  const std::uint64_t period = systolic_tile_period(config, stream);
  ASSERT_EQ(run.tile_start_cycles.size(), tiles);
  for (std::size_t t = 0; t < run.tile_start_cycles.size(); ++t) EXPECT_EQ(run.tile_start_cycles[t], t * period);
}

TEST(SystolicPeArray, VectorisedRunsArraysTooLargeForSystemC) {
  // 128 x 128 and 256 x 256 with partial tiles in every dimension, each dataflow and overlap:
  // the triple loop's result, every MAC once (Serial), the closed form's cycles.
  for (const std::uint64_t side : {128u, 256u})
    for (const Dataflow dataflow : {OS, WS, IS})
      for (const TileOverlap overlap : {TileOverlap::Serial, TileOverlap::Pipelined}) {
        const std::uint64_t M = side + 37, N = side / 2 + 3, K = side + 5;
        const SystolicArrayConfig config{side, side, dataflow, overlap};
        const IntMatrix a = pseudo_random(M, K, side + 1);
        const IntMatrix b = pseudo_random(K, N, side + 2);
        const SystolicGemmRun run = simulate_systolic_gemm_vectorised(config, a, b);
        SCOPED_TRACE(std::to_string(side) + " " + std::string(to_string(dataflow)) + " " +
                     std::string(to_string(overlap)));
        EXPECT_EQ(run.c, triple_loop_gemm(a, b));
        if (overlap == TileOverlap::Serial) {
          EXPECT_EQ(run.mac_count, M * N * K);
        }
        EXPECT_EQ(run.total_cycles, gemm_cycles(config, M, N, K));
      }
}

}  // namespace
}  // namespace cascade::arch
