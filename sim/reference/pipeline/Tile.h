// The unit of work that flows through clocked modules: one tile of a tensor operation, carrying
// the cycle at which each stage handled it so a run can be inspected tile by tile.
#pragma once

#include <cstdint>
#include <iosfwd>

namespace cascade::sim {

// A clock cycle number. Cycle 0 is the first rising edge of the module's clock.
using Cycle = std::uint64_t;

struct Tile {
  std::uint64_t index = 0;    // position in the stream the source emitted
  Cycle emitted_cycle = 0;    // the source wrote it into its output queue
  Cycle accepted_cycle = 0;   // a pipelined unit took it from its input queue
  Cycle completed_cycle = 0;  // the unit wrote its result into its output queue
  Cycle consumed_cycle = 0;   // the sink took it from its input queue

  friend bool operator==(const Tile&, const Tile&) = default;
};

// sc_fifo<Tile> prints its contents through this (sc_fifo::print / dump).
std::ostream& operator<<(std::ostream& os, const Tile& tile);

}  // namespace cascade::sim
