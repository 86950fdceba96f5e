// One tile sent over a BroadcastLink: written into the link's input queue and delivered, the
// same copy stamped with the same cycles, to every consumer.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

struct LinkTransfer {
  std::uint64_t id = 0;  // the sender's tag, delivered untouched
  std::uint64_t bytes = 0;
  Cycle accepted_cycle = 0;   // the link took it from its input queue
  Cycle delivered_cycle = 0;  // it was written into every consumer's queue

  friend bool operator==(const LinkTransfer&, const LinkTransfer&) = default;
};

// sc_fifo<LinkTransfer> prints its contents through this.
std::ostream& operator<<(std::ostream& os, const LinkTransfer& transfer);

}  // namespace cascade::sim
