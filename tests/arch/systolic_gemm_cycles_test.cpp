// The closed-form systolic GEMM timing (SystolicGemmCycles.h) against counts derived by hand.
//
// Rules every derivation below uses (from the header's definition):
//  R1  Cycle c is the c-th rising edge, from 0; a register written in cycle c is read in c + 1.
//  OS  Tile of r x c outputs started in t0: A[m0+i,k] is registered into row i in t0 + i + k
//      and B[k,n0+j] into column j in t0 + j + k, so PE(i,j) does MAC k in t0 + 1 + i + j + k.
//      The K-th MAC writes the result into the upward register; one hop up per cycle; the top
//      edge captures row i of column j in t0 + 2i + j + K + 1.
//  WS  Tile of r x c weights started in t0: row r-1-x's weight is registered in t0 + x, all
//      rows latch in t0 + r. A[m,k0+i] is registered into row i in t0 + r + i + m; PE(i,j)
//      does its MAC for m in t0 + r + 1 + i + j + m; the partial sum leaves row R-1 in the
//      same cycle as its MAC there and is captured one cycle later: t0 + r + R + j + m + 1.
//  IS  WS on the transposed GEMM: A^T's K x M tile stays, B[k0+i, n] is registered into row i
//      in t0 + r + i + n, the bottom edge captures C[m0+j, n] in t0 + r + R + j + n + 1.
//  T   Serial: the next tile starts in the cycle the previous one's last result is captured;
//      the GEMM's count is the cycle its last result is captured, i.e. the sum of tile costs.
//  P   Pipelined: tile f starts in f x P, P the cycle (from a tile's start) of a full tile's
//      last MAC at the far PE (R-1, C-1); the last result is captured a cycle after its MAC.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

#include "arch/systolic/SystolicArrayConfig.h"
#include "arch/systolic/SystolicGemmCycles.h"
#include "arch/systolic/SystolicTiles.h"

namespace cascade::arch {
namespace {

constexpr Dataflow OS = Dataflow::OutputStationary;
constexpr Dataflow WS = Dataflow::WeightStationary;
constexpr Dataflow IS = Dataflow::InputStationary;

SystolicArrayConfig array(std::uint64_t rows, std::uint64_t cols, Dataflow dataflow,
                          TileOverlap overlap = TileOverlap::Serial) {
  return SystolicArrayConfig{rows, cols, dataflow, overlap};
}

TEST(SystolicGemmCycles, OutputStationarySingleFullTile) {
  // 8 x 8 array, M = N = K = 8: one tile, r = c = 8, t0 = 0.
  // The farthest PE(7,7) does its first MAC (k = 0) in 1 + 7 + 7 = 15 (fill: 15 cycles, 0..14)
  //   and its last (k = 7) in 22 (stream: 8 MACs, 15..22).
  // Its result is in PE(7,7)'s upward register in 22, in PE(0,7)'s after 7 hops in 29, and is
  //   captured in 30 (OS rule with i = j = 7: 2*7 + 7 + 8 + 1 = 30); drain: 23..29, 7 cycles.
  // 30 = 2R + C + K - 2 = 16 + 8 + 8 - 2, SCALE-Sim's single-fold tau = 2 S_R + S_C + T - 2.
  const SystolicArrayConfig config = array(8, 8, OS);
  EXPECT_EQ(gemm_cycles(config, 8, 8, 8), 30u);
  const SystolicTileCycles tile = systolic_tile_cycles(config, 8, 8, 8);
  EXPECT_EQ(tile.load, 0u);
  EXPECT_EQ(tile.fill, 15u);
  EXPECT_EQ(tile.stream, 8u);
  EXPECT_EQ(tile.drain, 7u);
  EXPECT_EQ(tile.total(), 30u);
}

TEST(SystolicGemmCycles, OutputStationaryOnePeArray) {
  // 1 x 1 array, M = N = K = 1: A and B registered in 0, MAC (result written) in 1, captured
  //   in 2: 2 cycles (2*1 + 1 + 1 - 2).
  EXPECT_EQ(gemm_cycles(array(1, 1, OS), 1, 1, 1), 2u);
  // M = 2, N = 3, K = 4 on one PE: 6 tiles of one output each. A tile: MACs in t0 + 1 .. t0 + 4,
  //   the last writes the result, captured in t0 + 5; 6 * 5 = 30.
  EXPECT_EQ(gemm_cycles(array(1, 1, OS), 2, 3, 4), 30u);
}

TEST(SystolicGemmCycles, OutputStationaryRowsCostTwiceColumns) {
  // 4 x 4 array, K = 1. A column of 4 outputs (M = 4, N = 1): PE(3,0) does its only MAC in
  //   1 + 3 = 4, its result climbs 3 rows (in PE(0,0)'s register in 7), captured in 8.
  // A row of 4 outputs (M = 1, N = 4): PE(0,3) does its MAC in 1 + 3 = 4 and is already in
  //   row 0, captured in 5. Rows cost two cycles each (skew in, drain out), columns one.
  EXPECT_EQ(gemm_cycles(array(4, 4, OS), 4, 1, 1), 8u);
  EXPECT_EQ(gemm_cycles(array(4, 4, OS), 1, 4, 1), 5u);
}

TEST(SystolicGemmCycles, OutputStationaryPartialTiles) {
  // 4 x 3 array, M = 10, N = 7, K = 5. M-blocks r = 4, 4, 2; N-blocks c = 3, 3, 1: 9 tiles,
  //   each costing 2r + c + K - 2 = 2r + c + 3:
  //   r = 4: c = 3 -> 14, c = 3 -> 14, c = 1 -> 12: 40 (twice: 80)
  //   r = 2: c = 3 -> 10, c = 3 -> 10, c = 1 ->  8: 28
  //   total 108. (Closed form: 2*10*3 + 7*3 + (5 - 2)*9 = 60 + 21 + 27 = 108.)
  const SystolicArrayConfig config = array(4, 3, OS);
  EXPECT_EQ(gemm_tile_count(config, 10, 7, 5), 9u);
  EXPECT_EQ(systolic_tile_cycles(config, 2, 1, 5).total(), 8u);
  EXPECT_EQ(gemm_cycles(config, 10, 7, 5), 108u);
}

TEST(SystolicGemmCycles, WeightStationarySingleFullTile) {
  // 8 x 8 array, M = N = K = 8: one tile, r = c = 8, t0 = 0.
  // Load: the weights of rows 7, 6, ..., 0 are registered in 0..7 (8 cycles); all rows latch
  //   in 8.
  // A[m, i] is registered into row i in 8 + i + m; PE(7,7) does its first MAC (m = 0) in
  //   9 + 7 + 7 = 23 (fill: 8..22, 15 cycles) and its last (m = 7) in 30 (stream: 23..30, 8).
  // Its partial sum is written into the bottom register in 30 and captured in 31 (WS rule:
  //   8 + 8 + 7 + 7 + 1 = 31); drain 0.
  // 31 = 2R + C + M - 1 = 16 + 8 + 8 - 1.
  const SystolicArrayConfig config = array(8, 8, WS);
  EXPECT_EQ(gemm_cycles(config, 8, 8, 8), 31u);
  const SystolicTileCycles tile = systolic_tile_cycles(config, 8, 8, 8);
  EXPECT_EQ(tile.load, 8u);
  EXPECT_EQ(tile.fill, 15u);
  EXPECT_EQ(tile.stream, 8u);
  EXPECT_EQ(tile.drain, 0u);
  EXPECT_EQ(tile.total(), 31u);
}

TEST(SystolicGemmCycles, WeightStationaryOnePeArray) {
  // 1 x 1 array, M = N = K = 1: the weight is registered in 0 and latched in 1, A registered
  //   in 1, MAC (partial sum written) in 2, captured in 3 (1 + 1 + 1 + 1 - 1).
  EXPECT_EQ(gemm_cycles(array(1, 1, WS), 1, 1, 1), 3u);
  // M = 4, N = 2, K = 3 on one PE: 6 tiles (one weight each). A tile: weight registered in t0,
  //   A[m] registered in t0 + 1 + m, MAC in t0 + 2 + m, captured in t0 + 3 + m: the last
  //   (m = 3) in t0 + 6. 6 * 6 = 36.
  EXPECT_EQ(gemm_cycles(array(1, 1, WS), 4, 2, 3), 36u);
}

TEST(SystolicGemmCycles, WeightStationaryPartialSumsCrossAllRows) {
  // 8 x 8 array, M = 4, N = 2, K = 3: one tile, r = 3, c = 2.
  // Load: rows 2, 1, 0 registered in 0, 1, 2; latched in 3.
  // A[m, i] registered into row i in 3 + i + m. Rows 3..7 get no A, but the partial sums still
  //   cross them to reach the bottom edge: PE(7,1) passes the last one (m = 3) on in
  //   4 + 7 + 1 + 3 = 15, captured in 16 (WS rule: 3 + 8 + 1 + 3 + 1 = 16) = r + R + c + M - 1.
  EXPECT_EQ(gemm_cycles(array(8, 8, WS), 4, 2, 3), 16u);
}

TEST(SystolicGemmCycles, WeightStationaryPartialTiles) {
  // 4 x 3 array, M = 5, N = 7, K = 10. K-blocks r = 4, 4, 2; N-blocks c = 3, 3, 1: 9 tiles,
  //   each costing r + R + c + M - 1 = r + c + 8:
  //   c = 3: r = 4 -> 15, r = 4 -> 15, r = 2 -> 13: 43 (twice: 86)
  //   c = 1: r = 4 -> 13, r = 4 -> 13, r = 2 -> 11: 37
  //   total 123. (Closed form: 10*3 + 7*3 + (4 + 5 - 1)*9 = 30 + 21 + 72 = 123.)
  const SystolicArrayConfig config = array(4, 3, WS);
  EXPECT_EQ(gemm_tile_count(config, 5, 7, 10), 9u);
  EXPECT_EQ(systolic_tile_cycles(config, 2, 1, 5).total(), 11u);
  EXPECT_EQ(gemm_cycles(config, 5, 7, 10), 123u);
}

TEST(SystolicGemmCycles, InputStationaryIsWeightStationaryTransposed) {
  // 8 x 8 array, M = 2, N = 4, K = 3: one tile of A^T, r = 3 (K), c = 2 (M).
  // Load: rows 2, 1, 0 registered in 0, 1, 2; latched in 3. B[i, n] registered into row i in
  //   3 + i + n; the partial sums cross all 8 rows; the bottom edge captures C[1, 3] (j = 1,
  //   n = 3) last, in 3 + 8 + 1 + 3 + 1 = 16 = r + R + c + N - 1.
  EXPECT_EQ(gemm_cycles(array(8, 8, IS), 2, 4, 3), 16u);
  EXPECT_EQ(gemm_cycles(array(8, 8, WS), 4, 2, 3), 16u);
  // 4 x 3 array, M = 7, N = 5, K = 10: K-blocks r = 4, 4, 2; M-blocks c = 3, 3, 1: 9 tiles of
  //   r + R + c + N - 1 = r + c + 8 each, 123 in all, as WS with M = 5, N = 7 (above).
  const SystolicArrayConfig config = array(4, 3, IS);
  EXPECT_EQ(gemm_tile_count(config, 7, 5, 10), 9u);
  EXPECT_EQ(gemm_cycles(config, 7, 5, 10), 123u);
  EXPECT_EQ(systolic_tiles(config, 7, 5, 6),
            (std::vector<SystolicTile>{{0, 0, 4, 3}, {4, 0, 2, 3}, {0, 3, 4, 3}, {4, 3, 2, 3}, {0, 6, 4, 1},
                                       {4, 6, 2, 1}}));
}

TEST(SystolicGemmCycles, PipelinedTilesStartEveryPeriod) {
  // 8 x 8 array, M = N = K = 16, OS: 4 tiles. The far PE (7,7) does a tile's last MAC in
  //   t0 + 1 + 7 + 7 + 15 = t0 + 30: P = K + R + C - 2 = 30. Tile 3 starts in 90, its far MAC in
  //   120, captured in 121.
  EXPECT_EQ(systolic_tile_period(array(8, 8, OS, TileOverlap::Pipelined), 16), 30u);
  EXPECT_EQ(gemm_cycles(array(8, 8, OS, TileOverlap::Pipelined), 16, 16, 16), 121u);
  // WS: 4 tiles; all rows latch in t0 + 8, PE(7,7)'s last MAC (m = 15) in t0 + 9 + 7 + 7 + 15 =
  //   t0 + 38 = 2R + C + M - 2; captured a cycle later: 3 x 38 + 39 = 153. IS the same with N.
  EXPECT_EQ(gemm_cycles(array(8, 8, WS, TileOverlap::Pipelined), 16, 16, 16), 153u);
  EXPECT_EQ(gemm_cycles(array(8, 8, IS, TileOverlap::Pipelined), 16, 16, 16), 153u);
  // Partial tiles take a full one's period: M = 10, N = 12, K = 7 on 8 x 8.
  //   OS: 2 x 2 tiles of P = 7 + 14 = 21: 85. WS: 1 x 2 tiles of 16 + 8 + 10 - 2 = 32: 65.
  //   IS: 1 x 2 tiles of 16 + 8 + 12 - 2 = 34: 69.
  EXPECT_EQ(gemm_cycles(array(8, 8, OS, TileOverlap::Pipelined), 10, 12, 7), 85u);
  EXPECT_EQ(gemm_cycles(array(8, 8, WS, TileOverlap::Pipelined), 10, 12, 7), 65u);
  EXPECT_EQ(gemm_cycles(array(8, 8, IS, TileOverlap::Pipelined), 10, 12, 7), 69u);
}

TEST(SystolicGemmCycles, PipelinedIsScaleSimPlusTwo) {
  // SCALE-Sim v2 (22f88b1) run on an 8 x 8 array with SRAM that never stalls reported these
  // Total Cycles (COMPUTE_REPORT.csv); Pipelined counts its edge register and its capture more,
  // 2 on every GEMM (SystolicGemmCycles.h). The whole comparison: scalesim_comparison_test.
  const struct {
    std::uint64_t M, N, K, os, ws, is;
  } measured[] = {{16, 16, 16, 119, 151, 151}, {8, 8, 8, 21, 29, 29}, {24, 16, 32, 275, 367, 455},
                  {10, 12, 7, 83, 63, 67}};
  for (const auto& m : measured) {
    SCOPED_TRACE(std::to_string(m.M) + "x" + std::to_string(m.N) + "x" + std::to_string(m.K));
    EXPECT_EQ(gemm_cycles(array(8, 8, OS, TileOverlap::Pipelined), m.M, m.N, m.K), m.os + 2);
    EXPECT_EQ(gemm_cycles(array(8, 8, WS, TileOverlap::Pipelined), m.M, m.N, m.K), m.ws + 2);
    EXPECT_EQ(gemm_cycles(array(8, 8, IS, TileOverlap::Pipelined), m.M, m.N, m.K), m.is + 2);
  }
}

TEST(SystolicGemmCycles, PipelinedSavesDrainsOnFullTiles) {
  // With every tile full, Pipelined saves the capture cycle of every tile but the last, and in OS
  // every tile's R - 1 cycles of drain up the array (its results leave on the column paths):
  // OS (tiles - 1) + tiles (R - 1) = tiles R - 1, WS and IS tiles - 1.
  for (const Dataflow dataflow : {OS, WS, IS}) {
    const std::uint64_t serial = gemm_cycles(array(4, 4, dataflow), 16, 12, 8);
    const std::uint64_t pipelined = gemm_cycles(array(4, 4, dataflow, TileOverlap::Pipelined), 16, 12, 8);
    const std::uint64_t tiles = gemm_tile_count(array(4, 4, dataflow), 16, 12, 8);
    EXPECT_EQ(serial - pipelined, dataflow == OS ? tiles * 4 - 1 : tiles - 1) << to_string(dataflow);
  }
}

TEST(SystolicGemmCycles, ClosedFormEqualsSumOfTileCosts) {
  // The closed form is the per-tile sum with the r and c sums done algebraically; check the
  // algebra against the explicit sum over a range of shapes and arrays.
  for (const Dataflow dataflow : {OS, WS, IS}) {
    for (const std::uint64_t rows : {1u, 3u, 8u}) {
      for (const std::uint64_t cols : {1u, 5u, 8u}) {
        const SystolicArrayConfig config = array(rows, cols, dataflow);
        for (const std::uint64_t M : {1u, 7u, 17u}) {
          for (const std::uint64_t N : {1u, 8u, 19u}) {
            for (const std::uint64_t K : {1u, 9u, 24u}) {
              std::uint64_t sum = 0;
              for (const SystolicTile& tile : systolic_tiles(config, M, N, K)) {
                sum += systolic_tile_cycles(config, tile.rows_used, tile.cols_used,
                                            dataflow == OS ? K : dataflow == WS ? M : N)
                           .total();
              }
              EXPECT_EQ(gemm_cycles(config, M, N, K), sum)
                  << to_string(dataflow) << " " << rows << "x" << cols << " M=" << M << " N=" << N
                  << " K=" << K;
            }
          }
        }
      }
    }
  }
}

TEST(SystolicGemmCycles, TilesCoverTheStationaryOperandInOrder) {
  // OS on 4 x 3, M = 6, N = 4: M-blocks (0, r=4), (4, r=2) outer; N-blocks (0, c=3), (3, c=1).
  EXPECT_EQ(systolic_tiles(array(4, 3, OS), 6, 4, 9),
            (std::vector<SystolicTile>{{0, 0, 4, 3}, {0, 3, 4, 1}, {4, 0, 2, 3}, {4, 3, 2, 1}}));
  // WS on 4 x 3, K = 6, N = 4: N-blocks outer, K-blocks inner.
  EXPECT_EQ(systolic_tiles(array(4, 3, WS), 9, 4, 6),
            (std::vector<SystolicTile>{{0, 0, 4, 3}, {4, 0, 2, 3}, {0, 3, 4, 1}, {4, 3, 2, 1}}));
}

TEST(SystolicGemmCycles, CountsThatDoNotFitThrow) {
  // 2 M ceil(N/C) alone is 2^65 here.
  const std::uint64_t big = std::uint64_t{1} << 32;
  EXPECT_THROW(gemm_cycles(array(1, 1, OS), big, big, 1), std::overflow_error);
  EXPECT_THROW(gemm_cycles(array(1, 1, WS), 1, big, big), std::overflow_error);
  EXPECT_THROW(gemm_cycles(array(1, 1, IS), big, 1, big), std::overflow_error);
  EXPECT_THROW(gemm_cycles(array(1, 1, OS, TileOverlap::Pipelined), big, big, 1), std::overflow_error);
  EXPECT_THROW(gemm_cycles(array(1, 1, WS, TileOverlap::Pipelined), 1, 1, ~std::uint64_t{0}), std::overflow_error);
}

}  // namespace
}  // namespace cascade::arch
