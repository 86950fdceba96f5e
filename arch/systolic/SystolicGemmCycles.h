// Analytical (closed-form) cycle count of a GEMM C[M,N] = A[M,K] * B[K,N] on an R x C systolic
// array. This header is the definition of the mapping and its timing; the PE-level model
// (SimulateSystolicGemm.h) implements the same hardware PE by PE and must count the same cycles
// (Serial tiles).
//
// Conventions. Cycle c is the c-th rising clock edge. Every register (the edge buffers' output
// registers, every PE-to-PE link, a PE's own state) written in cycle c is read in cycle c + 1, so
// an operand moves one PE per cycle. Edge logic on the array's border feeds operands (with the
// skew: row i or column j delayed by i or j cycles) and captures results into an output buffer.
//
// Output stationary (OS): C is stationary.
//   Tiles: C is cut into ceil(M/R) x ceil(N/C) tiles; a tile of r x c outputs (r = min(R, rest of
//   M), c = min(C, rest of N): partial at the edges) sits on PEs (0..r-1, 0..c-1): M along rows,
//   N along columns, K streams in time. The other PEs get no operands (each operand carries the
//   last PE it travels to).
//   A tile started in cycle t0: the left edge registers A[m0+i, k] into row i in cycle
//   t0 + i + k, the top edge registers B[k, n0+j] into column j in cycle t0 + j + k; A moves
//   right, B down, so PE(i,j) does MAC k in cycle t0 + 1 + i + j + k. Its K-th MAC (a `last`
//   flag travels with the operands) writes the sum into the PE's upward output register; results
//   move up one PE per cycle and the top edge captures row i of column j in cycle
//   t0 + 2i + j + K + 1 (last MAC at t0 + i + j + K, then i hops, then the capture). Results of
//   one column arrive two cycles apart, so no register of the upward chain is ever wanted twice.
//   The last result (i = r-1, j = c-1) is captured in cycle t0 + 2r + c + K - 2.
//   Tile cost 2r + c + K - 2 = fill r + c - 1 (edge register + r + c - 2 hops to the farthest
//   PE) + stream K (its MACs) + drain r - 1 (hops up to the top edge).
//
// Weight stationary (WS): B is stationary.
//   Tiles: B is cut into ceil(K/R) x ceil(N/C) tiles; a tile of r x c weights sits on PEs
//   (0..r-1, 0..c-1): K along rows, N along columns, M streams in time. A reaches only those
//   PEs; partial sums cross the rows below them (see Stream).
//   Load: the top edge registers column j's weights deepest first, B[k0+r-1-x, n0+j] marked for
//   row r-1-x in cycle t0 + x (x = 0..r-1); they move down one PE per cycle and each row's PE
//   keeps the one marked for it, so every row latches in the same cycle t0 + r.
//   Stream: the left edge registers A[m, k0+i] into row i in cycle t0 + r + i + m; A moves right,
//   partial sums move down, so PE(i,j) adds A[m,k0+i] * B[k0+i,n0+j] to the partial sum from
//   above in cycle t0 + r + 1 + i + j + m. Partial sums cross all R rows (rows r..R-1 hold no
//   weight of this tile and pass them on) and the bottom edge captures (m, j) in cycle
//   t0 + r + R + j + m + 1, adding it into C[m, n0+j] (the accumulation over K tiles is done by
//   the output buffer, in the capture cycle). The last one (m = M-1, j = c-1) is captured in
//   cycle t0 + r + R + c + M - 1.
//   Tile cost r + R + c + M - 1 = load r + fill R + c - 1 + stream M + drain 0 (the bottom PE's
//   partial-sum register is the output port).
//
// Input stationary (IS): A is stationary. It is weight stationary on the transposed GEMM
//   C^T[n,m] = B^T[n,k] A^T[k,m]: A^T is cut into ceil(K/R) x ceil(M/C) tiles of r x c (K along
//   rows, M along columns), loaded as WS loads B; B[k0+i, n] is registered into row i in cycle
//   t0 + r + i + n and the bottom edge captures C[m0+j, n] in t0 + r + R + j + n + 1. Tile cost
//   r + R + c + N - 1.
//
// How tiles follow each other (SystolicArrayConfig.overlap):
//
// Serial: the edge logic registers a tile's first operands in the cycle it captures the previous
// tile's last result (not earlier), so the array holds one tile at a time and every tile pays its
// fill and drain. A GEMM started in cycle 0 has its last result captured in cycle sum(tile costs),
// the first cycle a following GEMM could start; that sum is gemm_cycles. Summing over the tiles
// (the r over the M-blocks add up to M, the c over the N-blocks to N, the r over the K-blocks to K):
//   OS: 2 M ceil(N/C) + N ceil(M/R) + (K - 2) ceil(M/R) ceil(N/C)
//   WS: K ceil(N/C) + N ceil(K/R) + (R + M - 1) ceil(K/R) ceil(N/C)
//   IS: K ceil(M/C) + M ceil(K/R) + (R + N - 1) ceil(K/R) ceil(M/C)
//
// Pipelined: SCALE-Sim v2's schedule (scalesim/compute/systolic_compute_{os,ws,is}.py). Its folds
// follow each other without a gap, each a window of P cycles of operand demand, every fold padded
// to the full R x C array:
//   OS: P = K + R + C - 2 (the ifmap's K rows and C - 1 gap rows, skewed over R - 1 rows);
//   WS: P = 2R + C + M - 2 (R rows of weight loads, then M + C - 1 input rows skewed over R - 1);
//   IS: P = 2R + C + N - 2 (as WS with B streaming).
// Here the edge logic starts tile f in cycle f x P, each on the full array's skew (its skew
// buffers are sized for the array: a partial tile takes as long as a full one). P is the cycle,
// from the tile's start, of the last MAC at the far PE (R-1, C-1): OS 1 + (R-1) + (C-1) + (K-1),
// WS R + 1 + (R-1) + (C-1) + (M-1). So a tile's operands follow the previous tile's through every
// PE without meeting them, and its results drain while the next tile fills: an OS result leaves
// on its column's output path the cycle after its last MAC (a column's PEs finish one cycle
// apart, so the path takes one a cycle; SCALE-Sim writes output (i, j) at its PE's last MAC), WS
// and IS partial sums leave the bottom row as in Serial. The GEMM's last result is captured the
// cycle after the last tile's far MAC: gemm_cycles = tiles x P + 1.
//
// Against SCALE-Sim: a full Serial OS tile, 2R + C + K - 2, is the single-fold runtime
// tau = 2 S_R + S_C + T - 2 of SCALE-Sim's analytical model (Samajdar et al., "A Systematic
// Methodology for Characterizing Scalability of DNN Accelerators using SCALE-Sim", ISPASS 2020);
// SCALE-Sim v2's simulator overlaps the R - 1 cycles of drain and the capture with the next fold,
// which Pipelined does. With SRAM large enough not to stall, SCALE-Sim v2 reports
// (COMPUTE_REPORT.csv, Total Cycles) tiles x P - 1 for every dataflow: the index, from 0, of the
// cycle of its last output write. Pipelined counts 2 more on every GEMM: SCALE-Sim's trace puts
// row 0's first MAC in the cycle of its operand's SRAM read, where an edge register takes a cycle
// here, and the last result's capture is a cycle after its MAC here, where SCALE-Sim writes it
// in the MAC's cycle (validation/scalesim/ holds the comparison). In Serial mode a partial tile's
// data never reaches the unused PEs, so fill and drain shrink with r and c, except WS and IS
// partial sums, which always cross all R rows.
#pragma once

#include <cstdint>

#include "arch/systolic/SystolicArrayConfig.h"

namespace cascade::arch {

// The cost of one tile, in the phases defined above; total() is what the tile adds to a GEMM.
struct SystolicTileCycles {
  std::uint64_t load = 0;    // WS: stationary weights shifted in; OS: 0
  // The farthest PE on the data's path is (r-1, c-1) for OS and (R-1, c-1) for WS.
  std::uint64_t fill = 0;    // edge register plus skew, until the farthest PE first works
  std::uint64_t stream = 0;  // cycles the farthest PE works: K (OS) or M (WS)
  std::uint64_t drain = 0;   // after its last cycle of work, until the capture cycle

  std::uint64_t total() const { return load + fill + stream + drain; }
};

// One Serial tile of rows_used x cols_used stationary elements and stream_length streamed steps
// (K for OS, M for WS, N for IS). Throws std::invalid_argument for a bad config (see validate),
// rows_used outside [1, rows], cols_used outside [1, cols] or stream_length 0.
SystolicTileCycles systolic_tile_cycles(const SystolicArrayConfig& config, std::uint64_t rows_used,
                                        std::uint64_t cols_used, std::uint64_t stream_length);

// P, the cycles between two Pipelined tiles' starts, for tiles of stream_length streamed steps.
// Throws like systolic_tile_cycles.
std::uint64_t systolic_tile_period(const SystolicArrayConfig& config, std::uint64_t stream_length);

// Number of tiles of the stationary operand: ceil(M/R) ceil(N/C) (OS), ceil(K/R) ceil(N/C) (WS)
// or ceil(K/R) ceil(M/C) (IS). Throws like gemm_cycles.
std::uint64_t gemm_tile_count(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                              std::uint64_t K);

// The closed form above. Throws std::invalid_argument for a bad config (see validate) or a GEMM
// size of 0 ("GEMM M must be at least 1, got 0"), and std::overflow_error when the count does
// not fit in 64 bits.
std::uint64_t gemm_cycles(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                          std::uint64_t K);

// Throws std::invalid_argument naming the first of M, N, K that is 0.
void validate_gemm_shape(std::uint64_t M, std::uint64_t N, std::uint64_t K);

}  // namespace cascade::arch
