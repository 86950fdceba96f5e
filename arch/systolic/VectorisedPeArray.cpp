#include "arch/systolic/VectorisedPeArray.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <iterator>
#include <limits>
#include <utility>
#include <stdexcept>
#include <string>
#include <vector>

#include "arch/systolic/SystolicGemmCycles.h"
#include "arch/systolic/SystolicTiles.h"

namespace cascade::arch {
namespace {

using u64 = std::uint64_t;
using i64 = std::int64_t;
using word = std::int32_t;  // what a link holds: an operand or weight, or its reach

constexpr word kEmpty = -1;  // a link's reach when it holds nothing

// `lanes` shift registers of `depth` stages each: shift() moves every stage one on and frees stage
// 0 for what the edge registers; stage(lane)[s] is what entered s shifts ago, contiguous in s.
// Stored lane by lane with slack in front, so a shift moves a pointer and, once per kSlack
// shifts, each lane's window back to the end.
template <typename T>
class ShiftRegisters {
 public:
  ShiftRegisters(u64 lanes, u64 depth, T empty)
      : lanes_(lanes), depth_(depth), span_(depth + kSlack), buf_(lanes * span_, empty), pos_(kSlack) {}
  void shift() {
    if (pos_ == 0) {
      for (u64 l = 0; l < lanes_; ++l)
        std::copy_backward(&buf_[l * span_], &buf_[l * span_ + depth_], &buf_[l * span_ + kSlack + depth_]);
      pos_ = kSlack;
    }
    --pos_;
  }
  T* stage(u64 lane) { return &buf_[lane * span_ + pos_]; }

 private:
  static constexpr u64 kSlack = 1024;
  u64 lanes_, depth_, span_;
  std::vector<T> buf_;
  u64 pos_;
};

// A ring of `slots` rows of `width`: the row of cycle c is slot c mod slots.
template <typename T>
class CycleRing {
 public:
  CycleRing(u64 slots, u64 width, T empty) : slots_(slots), width_(width), buf_(slots * width, empty) {}
  T* at(u64 cycle) { return &buf_[(cycle % slots_) * width_]; }

 private:
  u64 slots_, width_;
  std::vector<T> buf_;
};

[[noreturn]] void broken(const std::string& what, u64 i, u64 j, u64 cycle) {
  throw std::logic_error("simulate_systolic_gemm_vectorised: PE(" + std::to_string(i) + "," + std::to_string(j) +
                         ") in cycle " + std::to_string(cycle) + ": " + what);
}

// What both dataflows share: the tiles in order, when each starts, and the run's end. Serial: a
// tile starts in the cycle the last result of the one before is captured; Pipelined: tile f in
// cycle f x P.
class Sequencer {
 public:
  Sequencer(const SystolicArrayConfig& config, std::vector<SystolicTile> tiles, u64 stream, u64 results_per_column,
            u64 total_results)
      : tiles_(std::move(tiles)), results_per_column_(results_per_column), total_results_(total_results) {
    if (config.overlap == TileOverlap::Pipelined) period_ = systolic_tile_period(config, stream);
  }
  // Called once a cycle, after the captures.
  void step(u64 cycle) {
    if (started_ == tiles_.size()) return;
    const bool now = started_ == 0 || (period_ ? cycle == started_ * period_
                                               : captured_ == results_per_column(started_ - 1) * tiles_[started_ - 1].cols_used);
    if (!now) return;
    captured_ = 0;
    run_.tile_start_cycles.push_back(cycle);
    ++started_;
  }
  void captured(u64 cycle) {
    ++captured_;
    if (++captured_total_ == total_results_) {
      done_ = true;
      run_.total_cycles = cycle;
    }
  }
  bool done() const { return done_; }
  // The tile the edge feeds (the last one started) and the cycle it started; null before the first.
  const SystolicTile* feeding(u64& tile, u64& start_cycle) const {
    if (started_ == 0) return nullptr;
    tile = started_ - 1;
    start_cycle = run_.tile_start_cycles[tile];
    return &tiles_[tile];
  }
  const std::vector<SystolicTile>& tiles() const { return tiles_; }
  SystolicGemmRun& run() { return run_; }

 private:
  u64 results_per_column(u64 tile) const { return results_per_column_ ? results_per_column_ : tiles_[tile].rows_used; }

  std::vector<SystolicTile> tiles_;
  u64 results_per_column_;  // WS: M; OS: 0, a tile's r
  u64 total_results_;
  u64 period_ = 0;          // Pipelined: P; Serial: 0
  u64 started_ = 0, captured_ = 0, captured_total_ = 0;
  bool done_ = false;
  SystolicGemmRun run_;
};

// One row of PEs for a cycle, the loops the compiler vectorises (built for AVX2 too, picked at
// run time; a link holds data where its reach is at least the PE's index). Output stationary:
// each PE adds its A and B operands' product; returns the MACs done and sets `out_of_step` where
// a PE got one operand without the other.
__attribute__((target_clones("avx2", "default"))) u64 output_stationary_row(const word* a, const word* a_reach,
                                                                           const word* b, const word* b_reach,
                                                                           i64* acc, u64 cols, word row,
                                                                           bool& out_of_step) {
  word macs = 0, mismatch = 0;
  for (u64 j = 0; j < cols; ++j) {
    const word a_on = a_reach[j] >= static_cast<word>(j), b_on = b_reach[j] >= row;
    mismatch |= a_on ^ b_on;
    acc[j] += static_cast<i64>(a[j]) * b[j] * (a_on & b_on);
    macs += a_on & b_on;
  }
  out_of_step = mismatch != 0;
  return static_cast<u64>(macs);
}

// Weight stationary, row 0: each PE starts a partial sum where its A operand is, with the row it
// is of and its tile.
__attribute__((target_clones("avx2", "default"))) u64 weight_stationary_first_row(
    const word* a, const word* a_reach, const u64* a_m, const u64* a_tile, const word* weight, i64* psum,
    word* psum_valid, u64* psum_m, u64* psum_tile, u64 cols) {
  word macs = 0;
  for (u64 j = 0; j < cols; ++j) {
    const word on = a_reach[j] >= static_cast<word>(j);
    psum[j] = static_cast<i64>(a[j]) * weight[j] * on;
    psum_valid[j] = on;
    psum_m[j] = a_m[j];
    psum_tile[j] = a_tile[j];
    macs += on;
  }
  return static_cast<u64>(macs);
}

// Weight stationary, a row below the first: each PE adds its A operand times its weight to the
// partial sum from above; sets `orphan` where an operand came without a partial sum.
__attribute__((target_clones("avx2", "default"))) u64 weight_stationary_row(const word* a, const word* a_reach,
                                                                           const word* weight, i64* psum,
                                                                           const word* psum_valid, u64 cols,
                                                                           bool& orphan) {
  word macs = 0, lost = 0;
  for (u64 j = 0; j < cols; ++j) {
    const word on = a_reach[j] >= static_cast<word>(j);
    lost |= on & (psum_valid[j] ^ 1);
    psum[j] += static_cast<i64>(a[j]) * weight[j] * on;
    macs += on;
  }
  orphan = lost != 0;
  return static_cast<u64>(macs);
}

// The tiles the edge runs: Pipelined pads each to the full array (SystolicGemmCycles.h), its
// rows and columns past the GEMM's edge fed zeros and their results dropped at the edge.
std::vector<SystolicTile> edge_tiles(const SystolicArrayConfig& config, u64 M, u64 N, u64 K) {
  std::vector<SystolicTile> tiles = systolic_tiles(config, M, N, K);
  if (config.overlap == TileOverlap::Pipelined)
    for (SystolicTile& t : tiles) t.rows_used = config.rows, t.cols_used = config.cols;
  return tiles;
}

// An operand's value, 0 past the matrix's edge (a padded tile's).
word value_or_zero(const IntMatrix& m, u64 row, u64 col) {
  return row < m.rows && col < m.cols ? static_cast<word>(m.at(row, col)) : 0;
}

// A result on its way to the output edge.
struct Arrival {
  u64 cycle, tile, row;
  i64 value;
};

// An upper bound on the cycles of a correct run (as simulate_systolic_gemm's): each tile needs at
// most R (weight load) + R + C (skew) + M + K (either stream) + R (drain) cycles; twice that.
u64 cycle_bound(const SystolicArrayConfig& config, u64 tiles, u64 M, u64 K) {
  return 2 * tiles * (3 * config.rows + config.cols + M + K) + 8;
}

SystolicGemmRun output_stationary(const SystolicArrayConfig& config, const IntMatrix& a, const IntMatrix& b) {
  const u64 R = config.rows, C = config.cols, M = a.rows, N = b.cols, K = a.cols;
  const bool pipelined = config.overlap == TileOverlap::Pipelined;
  Sequencer seq(config, edge_tiles(config, M, N, K), K, 0,
                pipelined ? gemm_tile_count(config, M, N, K) * R * C : M * N);
  // A moves right along each row, B down each column.
  ShiftRegisters<word> a_value(R, C, 0);
  ShiftRegisters<word> a_reach(R, C, kEmpty);
  CycleRing<word> b_value(R + 1, C, 0);
  CycleRing<word> b_reach(R + 1, C, kEmpty);
  CycleRing<std::uint8_t> b_last(R + 1, C, 0);
  std::vector<std::deque<std::pair<u64, u64>>> a_last(R);  // per row: (cycle registered, tile) of last operands
  std::vector<i64> acc(R * C, 0);
  std::vector<std::deque<Arrival>> to_edge(C);  // per column, in arrival order
  IntMatrix result(M, N);
  u64 macs = 0;
  const u64 bound = cycle_bound(config, seq.tiles().size(), M, K);
  for (u64 cycle = 0; !seq.done(); ++cycle) {
    if (cycle > bound)
      throw std::runtime_error("simulate_systolic_gemm_vectorised: the array did not finish in " +
                               std::to_string(bound) + " cycles");
    // The output edge captures what reached it (a padding PE's result is dropped).
    for (u64 j = 0; j < C; ++j)
      while (!to_edge[j].empty() && to_edge[j].front().cycle == cycle) {
        const Arrival& r = to_edge[j].front();
        const SystolicTile& t = seq.tiles()[r.tile];
        if (t.row_begin + r.row < M && t.col_begin + j < N) result.at(t.row_begin + r.row, t.col_begin + j) = r.value;
        seq.captured(cycle);
        to_edge[j].pop_front();
      }
    // Every PE's MAC on the operands its links registered in the cycle before.
    for (u64 i = 0; i < R; ++i) {
      const word* av = a_value.stage(i);
      const word* ar = a_reach.stage(i);
      const word* bv = b_value.at(cycle + R - i);  // registered in cycle - 1 - i (mod R + 1)
      const word* br = b_reach.at(cycle + R - i);
      i64* row_acc = &acc[i * C];
      bool out_of_step = false;
      macs += output_stationary_row(av, ar, bv, br, row_acc, C, static_cast<word>(i), out_of_step);
      if (out_of_step) broken("A and B operands arrived out of step", i, 0, cycle);
      // A tile's last operands, registered at the row's edge in cycle e, are at column
      // cycle - 1 - e: that PE hands its sum on.
      auto& lasts = a_last[i];
      for (auto it = lasts.begin(); it != lasts.end();) {
        const auto [registered, tile] = *it;
        if (cycle <= registered) break;
        const u64 j = cycle - 1 - registered;
        if (j >= seq.tiles()[tile].cols_used) {
          it = lasts.erase(it);
          continue;
        }
        if (!b_last.at(cycle + R - i)[j]) broken("A and B operands arrived out of step", i, j, cycle);
        // Serial: up the column, a register a cycle, captured after row 0's; Pipelined: on the
        // column's output path, captured the next cycle.
        // Results never pass each other: two with one arrival cycle want one register.
        const u64 arrives = cycle + 1 + (pipelined ? 0 : i);
        auto& column = to_edge[j];
        auto at = column.end();
        while (at != column.begin() && std::prev(at)->cycle >= arrives) --at;
        if (at != column.end() && at->cycle == arrives)
          broken("its result and another want the same register", i, j, cycle);
        column.insert(at, {arrives, tile, i, row_acc[j]});
        row_acc[j] = 0;
        ++it;
      }
    }
    seq.step(cycle);
    // The input edge registers this cycle's operands: row i gets A[m0 + i, k] in tile cycle
    // i + k, column j gets B[k, n0 + j] in j + k, as far as the tile reaches.
    a_value.shift();
    a_reach.shift();
    word* bv = b_value.at(cycle);
    word* br = b_reach.at(cycle);
    std::uint8_t* bl = b_last.at(cycle);
    u64 tile = 0, start = 0;
    const SystolicTile* t = seq.feeding(tile, start);
    const u64 u = cycle - start;
    for (u64 i = 0; i < R; ++i) {
      const bool on = t && i < t->rows_used && u >= i && u - i < K;
      a_value.stage(i)[0] = on ? value_or_zero(a, t->row_begin + i, u - i) : 0;
      a_reach.stage(i)[0] = on ? static_cast<word>(t->cols_used - 1) : kEmpty;
      if (on && u - i == K - 1) a_last[i].push_back({cycle, tile});
    }
    for (u64 j = 0; j < C; ++j) {
      const bool on = t && j < t->cols_used && u >= j && u - j < K;
      bv[j] = on ? value_or_zero(b, u - j, t->col_begin + j) : 0;
      br[j] = on ? static_cast<word>(t->rows_used - 1) : kEmpty;
      bl[j] = on && u - j == K - 1;
    }
  }
  SystolicGemmRun run = std::move(seq.run());
  run.c = std::move(result);
  run.mac_count = macs;
  return run;
}

SystolicGemmRun weight_stationary(const SystolicArrayConfig& config, const IntMatrix& a, const IntMatrix& b) {
  const u64 R = config.rows, C = config.cols, M = a.rows, N = b.cols, K = a.cols;
  // A tile's columns give M partial sums each: Pipelined all C, Serial its own (N a K-block).
  const bool pipelined = config.overlap == TileOverlap::Pipelined;
  Sequencer seq(config, edge_tiles(config, M, N, K), M, M,
                pipelined ? gemm_tile_count(config, M, N, K) * M * C : M * N * ((K + R - 1) / R));
  // A moves right along each row; a partial sum moves down its column, one row a cycle, so the
  // one row 0 starts in cycle c is at row i in cycle c + i: kept by the cycle it started.
  ShiftRegisters<word> a_value(R, C, 0);
  ShiftRegisters<word> a_reach(R, C, kEmpty);
  ShiftRegisters<u64> a_m(R, C, 0);  // the A row m an operand is of, and its tile
  ShiftRegisters<u64> a_tile(R, C, 0);
  const u64 slots = R + 2;  // started in c, read at the bottom edge in c + R
  CycleRing<i64> psum(slots, C, 0);
  CycleRing<word> psum_valid(slots, C, 0);
  CycleRing<u64> psum_m(slots, C, 0), psum_tile(slots, C, 0);
  std::vector<word> weight(R * C, 0);
  struct Latch {
    u64 cycle, row, col;
    word value;
  };
  std::deque<Latch> latches;  // weights on their way down, by the cycle they reach their row
  IntMatrix result(M, N);
  u64 macs = 0;
  const u64 bound = cycle_bound(config, seq.tiles().size(), M, K);
  for (u64 cycle = 0; !seq.done(); ++cycle) {
    if (cycle > bound)
      throw std::runtime_error("simulate_systolic_gemm_vectorised: the array did not finish in " +
                               std::to_string(bound) + " cycles");
    // The bottom edge captures the partial sums row R - 1 passed on in the cycle before (started
    // in cycle - R) and adds them into C: the output buffer accumulates the K tiles.
    if (cycle >= R) {
      const u64 started = cycle - R;
      const word* valid = psum_valid.at(started);
      const i64* value = psum.at(started);
      for (u64 j = 0; j < C; ++j)
        if (valid[j]) {
          const u64 tile = psum_tile.at(started)[j];
          const u64 n = seq.tiles()[tile].col_begin + j;
          if (n < N) result.at(psum_m.at(started)[j], n) += value[j];
          seq.captured(cycle);
        }
    }
    // Every PE's MAC: A from its left link, the partial sum from above (row 0 starts one).
    for (u64 i = 0; i < R; ++i) {
      const word* av = a_value.stage(i);
      const word* ar = a_reach.stage(i);
      const word* w = &weight[i * C];
      const u64 started = cycle + slots - i;  // the cycle (mod slots) row 0 started what row i holds
      i64* p = psum.at(started);
      word* pv = psum_valid.at(started);
      if (i == 0) {
        macs += weight_stationary_first_row(av, ar, a_m.stage(0), a_tile.stage(0), w, p, pv, psum_m.at(started),
                                            psum_tile.at(started), C);
      } else {
        bool orphan = false;
        macs += weight_stationary_row(av, ar, w, p, pv, C, orphan);
        if (orphan) broken("an A operand arrived without its partial sum", i, 0, cycle);
      }
    }
    // Weights that reached their row latch after this cycle's MAC.
    while (!latches.empty() && latches.front().cycle == cycle) {
      const Latch& l = latches.front();
      weight[l.row * C + l.col] = l.value;
      latches.pop_front();
    }
    seq.step(cycle);
    // The edge: in tile cycle x < r each column gets the weight of row r - 1 - x (deepest first,
    // on the column's weight links: it reaches its row in cycle + 1 + row); row i gets
    // A[m, k0 + i] in tile cycle r + i + m.
    a_value.shift();
    a_reach.shift();
    a_m.shift();
    a_tile.shift();
    u64 tile = 0, start = 0;
    const SystolicTile* t = seq.feeding(tile, start);
    const u64 u = cycle - start;
    if (t && u < t->rows_used) {
      const u64 row = t->rows_used - 1 - u;
      for (u64 j = 0; j < t->cols_used; ++j)
        latches.push_back({cycle + 1 + row, row, j, value_or_zero(b, t->row_begin + row, t->col_begin + j)});
    }
    for (u64 i = 0; i < R; ++i) {
      const bool on = t && i < t->rows_used && u >= t->rows_used + i && u - t->rows_used - i < M;
      const u64 m = on ? u - t->rows_used - i : 0;
      a_value.stage(i)[0] = on ? value_or_zero(a, m, t->row_begin + i) : 0;
      a_reach.stage(i)[0] = on ? static_cast<word>(t->cols_used - 1) : kEmpty;
      a_m.stage(i)[0] = m;
      a_tile.stage(i)[0] = tile;
    }
  }
  SystolicGemmRun run = std::move(seq.run());
  run.c = std::move(result);
  run.mac_count = macs;
  return run;
}

}  // namespace

SystolicGemmRun simulate_systolic_gemm_vectorised(const SystolicArrayConfig& config, const IntMatrix& a,
                                                  const IntMatrix& b) {
  check_systolic_operands("simulate_systolic_gemm_vectorised", config, a, b);
  if (config.rows > kMaxVectorisedPes || config.cols > kMaxVectorisedPes / config.rows)
    throw std::invalid_argument("simulate_systolic_gemm_vectorised: SystolicArrayConfig rows x cols must be at most " +
                                std::to_string(kMaxVectorisedPes) + " PEs, got " + std::to_string(config.rows) +
                                " x " + std::to_string(config.cols));
  for (const auto& [name, m] : {std::pair{"A", &a}, std::pair{"B", &b}})
    for (const i64 v : m->values)
      if (v < std::numeric_limits<word>::min() || v > std::numeric_limits<word>::max())
        throw std::invalid_argument(std::string("simulate_systolic_gemm_vectorised: its links carry 32-bit operands; ") +
                                    name + " holds " + std::to_string(v));
  if (config.dataflow == Dataflow::OutputStationary) return output_stationary(config, a, b);
  if (config.dataflow == Dataflow::WeightStationary) return weight_stationary(config, a, b);
  // Input stationary: weight stationary on C^T = B^T A^T (SystolicGemmCycles.h).
  SystolicArrayConfig transposed = config;
  transposed.dataflow = Dataflow::WeightStationary;
  SystolicGemmRun run = weight_stationary(transposed, transpose(b), transpose(a));
  run.c = transpose(run.c);
  return run;
}

}  // namespace cascade::arch
