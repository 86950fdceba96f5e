// A pipelined functional unit that processes tiles: the clocked building block of the spatial
// array models (a FuseMax 2D or 1D array is such a unit with the latency and initiation interval
// its mapping gives each Einsum's tiles).
//
// Timing, with cycle c the c-th rising edge of `clock`:
// - It accepts at most one tile per cycle from `input`, and a next one only `initiation_interval`
//   advancing cycles after the previous acceptance.
// - A tile accepted in advancing cycle a has its result written to `output` in advancing cycle
//   a + `latency`.
// - Back-pressure: when a finished result cannot be written because `output` is full, the whole
//   pipeline stalls for that cycle, like a clock-enable dropping: no tile moves, none is accepted,
//   the initiation-interval timer holds. "Advancing cycles" above are the cycles that are not
//   such stalls, so a stall delays every tile in flight by one cycle.
// - Queues are sc_fifo: a tile written in cycle c is readable from cycle c + 1, and a slot freed
//   in cycle c is writable from cycle c + 1 (registered queues, independent of process order).
#pragma once

#include <cstdint>
#include <deque>
#include <systemc>

#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

class PipelinedUnit : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(PipelinedUnit);

  sc_core::sc_in<bool> clock;
  sc_core::sc_fifo_in<Tile> input;
  sc_core::sc_fifo_out<Tile> output;

  // Throws std::invalid_argument when latency or initiation_interval is 0.
  PipelinedUnit(const sc_core::sc_module_name& name, std::uint64_t latency,
                std::uint64_t initiation_interval);

  std::uint64_t latency() const { return latency_; }
  std::uint64_t initiation_interval() const { return initiation_interval_; }

  std::uint64_t tiles_accepted() const { return tiles_accepted_; }
  std::uint64_t tiles_completed() const { return tiles_completed_; }
  std::uint64_t tiles_in_flight() const { return in_flight_.size(); }
  // Cycles in which the pipeline was frozen because `output` was full.
  std::uint64_t stall_cycles() const { return stall_cycles_; }

 private:
  struct InFlight {
    Tile tile;
    std::uint64_t ready_step;  // advancing cycle in which the result leaves
  };

  void run();
  // One rising edge: retire the head result if it is due, then accept a new tile if allowed.
  void on_clock_edge();

  std::uint64_t latency_;
  std::uint64_t initiation_interval_;

  Cycle cycle_ = 0;
  // Number of advancing (non-stalled) cycles so far; all in-flight timing is counted in these.
  std::uint64_t step_ = 0;
  std::uint64_t next_accept_step_ = 0;
  std::deque<InFlight> in_flight_;

  std::uint64_t tiles_accepted_ = 0;
  std::uint64_t tiles_completed_ = 0;
  std::uint64_t stall_cycles_ = 0;
};

}  // namespace cascade::sim
