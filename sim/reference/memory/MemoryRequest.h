// One DRAM transaction (a tile moved between DRAM and an on-chip buffer): the request a client
// writes into a DramChannel's request queue, returned as the response with the cycles the
// channel handled it.
#pragma once

#include <cstdint>
#include <iosfwd>

#include "sim/reference/memory/AccessDirection.h"
#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

struct MemoryRequest {
  std::uint64_t id = 0;  // the client's tag, returned untouched
  std::uint64_t bytes = 0;
  AccessDirection direction = AccessDirection::kRead;
  Cycle accepted_cycle = 0;     // the channel took it from the request queue
  Cycle transferred_cycle = 0;  // its last byte crossed the channel's bus
  Cycle completed_cycle = 0;    // its response was written into the response queue

  friend bool operator==(const MemoryRequest&, const MemoryRequest&) = default;
};

// sc_fifo<MemoryRequest> prints its contents through this.
std::ostream& operator<<(std::ostream& os, const MemoryRequest& request);

}  // namespace cascade::sim
