// Consumes tiles from a queue at most one every `interval` cycles and records each with the cycle
// it was consumed: the consumer end of a tile pipeline, whose interval models a slower
// downstream stage and so exercises back-pressure.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

class TileSink : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TileSink);

  sc_core::sc_in<bool> clock;
  sc_core::sc_fifo_in<Tile> input;

  // After consuming a tile in cycle c the sink takes the next one in cycle c + interval at the
  // earliest. `expected_tiles` is how many make the stream complete (see all_consumed_event).
  // Throws std::invalid_argument when interval or expected_tiles is 0.
  TileSink(const sc_core::sc_module_name& name, std::uint64_t interval,
           std::uint64_t expected_tiles);

  std::uint64_t interval() const { return interval_; }
  std::uint64_t expected_tiles() const { return expected_tiles_; }

  // The tiles in consumption order, each with consumed_cycle set.
  const std::vector<Tile>& consumed() const { return consumed_; }
  bool all_consumed() const { return consumed_.size() == expected_tiles_; }
  // Notified (one delta later) in the cycle the last expected tile is consumed, so a testbench
  // can end the run there.
  const sc_core::sc_event& all_consumed_event() const { return all_consumed_event_; }

 private:
  void run();

  std::uint64_t interval_;
  std::uint64_t expected_tiles_;
  std::vector<Tile> consumed_;
  sc_core::sc_event all_consumed_event_;
};

}  // namespace cascade::sim
