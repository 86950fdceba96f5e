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
using word = std::int32_t;  // what a link holds: an operand or a weight

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

// The tiles the edge runs: Pipelined pads each to the full array (SystolicGemmCycles.h), its
// rows and columns past the GEMM's edge fed zeros and their results dropped at the edge.
std::vector<SystolicTile> edge_tiles(const SystolicArrayConfig& config, u64 M, u64 N, u64 K) {
  std::vector<SystolicTile> tiles = systolic_tiles(config, M, N, K);
  if (config.overlap == TileOverlap::Pipelined)
    for (SystolicTile& t : tiles) t.rows_used = config.rows, t.cols_used = config.cols;
  return tiles;
}

// What both dataflows share: the tiles in order, when each starts, and the run's end. Serial: a
// tile starts in the cycle the last result of the one before is captured; Pipelined: tile f in
// cycle f x P. A tile's results: OS one a PE it uses, WS (and IS, run as WS) M a column it uses.
class Sequencer {
 public:
  Sequencer(const SystolicArrayConfig& config, u64 M, u64 N, u64 K)
      : tiles_(edge_tiles(config, M, N, K)),
        results_per_column_(config.dataflow == Dataflow::OutputStationary ? 0 : M) {
    if (config.overlap == TileOverlap::Pipelined)
      period_ = systolic_tile_period(config, config.dataflow == Dataflow::OutputStationary ? K : M);
    for (u64 t = 0; t < tiles_.size(); ++t) total_results_ += results(t);
  }
  // Called once a cycle, after the captures.
  void step(u64 cycle) {
    if (started_ == tiles_.size()) return;
    const bool now = started_ == 0 || (period_ ? cycle == started_ * period_ : captured_ == results(started_ - 1));
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
  u64 results(u64 tile) const {
    return (results_per_column_ ? results_per_column_ : tiles_[tile].rows_used) * tiles_[tile].cols_used;
  }

  std::vector<SystolicTile> tiles_;
  u64 results_per_column_;  // WS: M; OS: 0, a tile's r
  u64 total_results_ = 0;
  u64 period_ = 0;          // Pipelined: P; Serial: 0
  u64 started_ = 0, captured_ = 0, captured_total_ = 0;
  bool done_ = false;
  SystolicGemmRun run_;
};

// The loops over a row's busy PEs, which the compiler vectorises (built for AVX2 too, picked at
// run time): each PE of [lo, hi] adds its operands' product to its sum.
__attribute__((target_clones("avx2", "default"))) void multiply_add(const word* a, const word* b, i64* sum, u64 lo,
                                                                   u64 hi) {
  for (u64 j = lo; j <= hi; ++j) sum[j] += static_cast<i64>(a[j]) * b[j];
}
__attribute__((target_clones("avx2", "default"))) void multiply(const word* a, const word* b, i64* product, u64 lo,
                                                               u64 hi) {
  for (u64 j = lo; j <= hi; ++j) product[j] = static_cast<i64>(a[j]) * b[j];
}

// An operand's value, 0 past the matrix's edge (a padded tile's).
word value_or_zero(const IntMatrix& m, u64 row, u64 col) {
  return row < m.rows && col < m.cols ? static_cast<word>(m.at(row, col)) : 0;
}

// The PEs [lo, hi] of a row (empty when lo > hi).
struct Span {
  i64 lo = 0, hi = -1;
  bool empty() const { return lo > hi; }
  u64 size() const { return empty() ? 0 : static_cast<u64>(hi - lo + 1); }
  friend bool operator==(const Span&, const Span&) = default;
};
Span clip(Span s, i64 lo, i64 hi) { return {std::max(s.lo, lo), std::min(s.hi, hi)}; }

// The operands a row's edge registered for one tile, one a cycle from cycle `first`: `length` of
// them (K for OS, M for WS), each moving one PE right a cycle up to the tile's last column.
// `real`: the row is inside the GEMM (a padded tile's rows past its edge carry zeros).
struct LaneRun {
  u64 first = 0, length = 0, tile = 0;
  i64 reach = 0;  // the last column it travels to
  bool real = true;
  // Where its operands are in cycle `cycle`: the PE j holds the one registered in cycle - 1 - j.
  Span at(u64 cycle) const {
    return clip({static_cast<i64>(cycle) - static_cast<i64>(first + length), static_cast<i64>(cycle) - 1 - static_cast<i64>(first)},
                0, reach);
  }
  bool passed(u64 cycle) const { return static_cast<i64>(cycle) - static_cast<i64>(first + length) > reach; }
};

// A row's edge: its runs in order, and the PEs holding operands in a cycle (one run's at most: a
// row's runs are more than a row's length apart).
struct Lane {
  std::deque<LaneRun> runs;
  const LaneRun* in_flight(u64 cycle, Span& span) {
    while (!runs.empty() && runs.front().passed(cycle)) runs.pop_front();
    for (const LaneRun& r : runs) {
      span = r.at(cycle);
      if (!span.empty()) return &r;
      if (r.first >= cycle) break;
    }
    span = {};
    return nullptr;
  }
};

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

void check_bound(u64 cycle, u64 bound) {
  if (cycle > bound)
    throw std::runtime_error("simulate_systolic_gemm_vectorised: the array did not finish in " + std::to_string(bound) +
                             " cycles");
}

SystolicGemmRun output_stationary(const SystolicArrayConfig& config, const IntMatrix& a, const IntMatrix& b) {
  const u64 R = config.rows, C = config.cols, M = a.rows, N = b.cols, K = a.cols;
  const bool pipelined = config.overlap == TileOverlap::Pipelined;
  Sequencer seq(config, M, N, K);
  // A moves right along each row (values by row, kept as shift registers), B down each column
  // (what the top edge registered in a cycle, the columns it reached and the tile's rows).
  ShiftRegisters<word> a_value(R, C, 0);
  std::vector<Lane> lanes(R);
  struct TopEdge {
    Span columns;       // the columns registered in that cycle
    i64 reach = -1;     // the last row they travel to
    i64 last = -1;      // the column whose operand is the tile's K-th, or -1
    i64 real_cols = 0;  // columns inside the GEMM
  };
  CycleRing<word> b_value(R + 1, C, 0);
  std::vector<TopEdge> top(R + 1);
  std::vector<i64> acc(R * C, 0);
  std::vector<std::deque<Arrival>> to_edge(C);  // per column, in arrival order
  IntMatrix result(M, N);
  u64 macs = 0;
  const u64 bound = cycle_bound(config, seq.tiles().size(), M, K);
  for (u64 cycle = 0; !seq.done(); ++cycle) {
    check_bound(cycle, bound);
    // The output edge captures what reached it (a padding PE's result is dropped).
    for (u64 j = 0; j < C; ++j)
      while (!to_edge[j].empty() && to_edge[j].front().cycle == cycle) {
        const Arrival& r = to_edge[j].front();
        const SystolicTile& t = seq.tiles()[r.tile];
        if (t.row_begin + r.row < M && t.col_begin + j < N) result.at(t.row_begin + r.row, t.col_begin + j) = r.value;
        seq.captured(cycle);
        to_edge[j].pop_front();
      }
    // Every PE with operands on both links does its MAC: row i's A from its lane, its B as the top
    // edge registered it i + 1 cycles ago.
    for (u64 i = 0; i < R; ++i) {
      Span span;
      const LaneRun* run = lanes[i].in_flight(cycle, span);
      const TopEdge& b_in = top[(cycle + R - i) % (R + 1)];
      const Span b_span = b_in.reach >= static_cast<i64>(i) ? b_in.columns : Span{};
      if (!(span == b_span) && !(span.empty() && b_span.empty()))
        broken("A and B operands arrived out of step", i, static_cast<u64>(std::max<i64>(0, span.lo)), cycle);
      if (!run) continue;
      macs += span.size();
      i64* row_acc = &acc[i * C];
      const word* bv = b_value.at(cycle + R - i);
      const Span work = clip(span, 0, b_in.real_cols - 1);
      if (run->real && !work.empty())
        multiply_add(a_value.stage(i), bv, row_acc, static_cast<u64>(work.lo), static_cast<u64>(work.hi));
      // The tile's last operands, registered in first + length - 1: that PE hands its sum on.
      const i64 j = static_cast<i64>(cycle) - static_cast<i64>(run->first + run->length);
      if (j < span.lo || j > span.hi) continue;
      if (b_in.last != j) broken("A and B operands arrived out of step", i, static_cast<u64>(j), cycle);
      // Serial: up the column, a register a cycle, captured after row 0's; Pipelined: on the
      // column's output path, captured the next cycle. Results never pass each other: two with
      // one arrival cycle want one register.
      const u64 arrives = cycle + 1 + (pipelined ? 0 : i);
      auto& column = to_edge[static_cast<u64>(j)];
      auto at = column.end();
      while (at != column.begin() && std::prev(at)->cycle >= arrives) --at;
      if (at != column.end() && at->cycle == arrives)
        broken("its result and another want the same register", i, static_cast<u64>(j), cycle);
      column.insert(at, {arrives, run->tile, i, row_acc[j]});
      row_acc[j] = 0;
    }
    seq.step(cycle);
    // The input edge registers this cycle's operands: row i gets A[m0 + i, k] in tile cycle
    // i + k, column j gets B[k, n0 + j] in j + k, as far as the tile reaches.
    a_value.shift();
    u64 tile = 0, start = 0;
    const SystolicTile* t = seq.feeding(tile, start);
    const u64 u = cycle - start;
    TopEdge& edge = top[cycle % (R + 1)];
    edge = {};
    word* bv = b_value.at(cycle);
    if (!t) continue;
    for (u64 i = 0; i < t->rows_used; ++i) {
      if (u == i)
        lanes[i].runs.push_back({cycle, K, tile, static_cast<i64>(t->cols_used) - 1, t->row_begin + i < M});
      if (u >= i && u - i < K) a_value.stage(i)[0] = value_or_zero(a, t->row_begin + i, u - i);
    }
    const i64 first_col = std::max<i64>(0, static_cast<i64>(u) - static_cast<i64>(K) + 1);
    const i64 last_col = std::min<i64>(static_cast<i64>(t->cols_used) - 1, static_cast<i64>(u));
    if (first_col <= last_col) {
      edge.columns = {first_col, last_col};
      edge.reach = static_cast<i64>(t->rows_used) - 1;
      edge.last = static_cast<i64>(u) - static_cast<i64>(K) + 1 >= 0 ? static_cast<i64>(u) - static_cast<i64>(K) + 1 : -1;
      edge.real_cols = static_cast<i64>(std::min<u64>(t->cols_used, N - std::min(N, t->col_begin)));
      for (i64 j = first_col; j <= last_col; ++j)
        bv[j] = value_or_zero(b, u - static_cast<u64>(j), t->col_begin + static_cast<u64>(j));
    }
  }
  SystolicGemmRun run = std::move(seq.run());
  run.c = std::move(result);
  run.mac_count = macs;
  return run;
}

SystolicGemmRun weight_stationary(const SystolicArrayConfig& config, const IntMatrix& a, const IntMatrix& b) {
  const u64 R = config.rows, C = config.cols, M = a.rows, N = b.cols, K = a.cols;
  Sequencer seq(config, M, N, K);
  // A moves right along each row; a partial sum moves down its column, one row a cycle, so the
  // one row 0 starts in cycle c is at row i in cycle c + i: a wave, kept by the cycle it started,
  // with the columns it holds and whose A operands it sums (the column j of the wave started in
  // cycle u is row m = u - 1 - j - first of the tile's A).
  ShiftRegisters<word> a_value(R, C, 0);
  std::vector<Lane> lanes(R);
  struct Wave {
    Span columns;
    u64 tile = 0, first = 0;
  };
  const u64 slots = R + 2;  // started in c, read at the bottom edge in c + R
  CycleRing<i64> psum(slots, C, 0);
  std::vector<Wave> waves(slots);
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
    check_bound(cycle, bound);
    // The bottom edge captures the partial sums row R - 1 passed on in the cycle before (started
    // in cycle - R) and adds them into C: the output buffer accumulates the K tiles.
    if (cycle >= R) {
      const Wave& w = waves[(cycle - R) % slots];
      const i64* value = psum.at(cycle - R);
      const SystolicTile& t = seq.tiles()[w.tile];
      for (i64 j = w.columns.lo; j <= w.columns.hi; ++j) {
        const u64 n = t.col_begin + static_cast<u64>(j);
        if (n < N) result.at(cycle - R - 1 - static_cast<u64>(j) - w.first, n) += value[j];
        seq.captured(cycle);
      }
    }
    // Every PE with an A operand adds it times its weight to the partial sum from above; row 0
    // starts the wave.
    for (u64 i = 0; i < R; ++i) {
      Span span;
      const LaneRun* run = lanes[i].in_flight(cycle, span);
      const u64 started = cycle + slots - i;  // (mod slots) the cycle row 0 started what row i holds
      Wave& wave = waves[started % slots];
      i64* p = psum.at(started);
      if (i == 0) wave = {span, run ? run->tile : 0, run ? run->first : 0};
      if (!run) continue;
      if (i > 0 && (span.lo < wave.columns.lo || span.hi > wave.columns.hi || wave.tile != run->tile))
        broken("an A operand arrived without its partial sum", i, static_cast<u64>(span.lo), cycle);
      macs += span.size();
      const word* av = a_value.stage(i);
      const u64 real_cols = std::min<u64>(C, N - std::min(N, seq.tiles()[run->tile].col_begin));
      const Span work = clip(span, 0, static_cast<i64>(real_cols) - 1);
      if (i == 0) {
        // Outside the GEMM's columns a wave's sums are dropped at the bottom edge: 0 will do.
        std::fill(p + span.lo, p + span.hi + 1, 0);
        if (run->real && !work.empty()) multiply(av, &weight[0], p, static_cast<u64>(work.lo), static_cast<u64>(work.hi));
      } else if (run->real && !work.empty()) {
        multiply_add(av, &weight[i * C], p, static_cast<u64>(work.lo), static_cast<u64>(work.hi));
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
    u64 tile = 0, start = 0;
    const SystolicTile* t = seq.feeding(tile, start);
    if (!t) continue;
    const u64 u = cycle - start, r = t->rows_used;
    if (u < r) {
      const u64 row = r - 1 - u;
      for (u64 j = 0; j < t->cols_used; ++j)
        latches.push_back({cycle + 1 + row, row, j, value_or_zero(b, t->row_begin + row, t->col_begin + j)});
    }
    for (u64 i = 0; i < r; ++i) {
      if (u == r + i)
        lanes[i].runs.push_back({cycle, M, tile, static_cast<i64>(t->cols_used) - 1, t->row_begin + i < K});
      if (u >= r + i && u - r - i < M) a_value.stage(i)[0] = value_or_zero(a, u - r - i, t->row_begin + i);
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
