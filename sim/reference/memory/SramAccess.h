// One tile access to a BankedSram: a read or write of a contiguous byte range or of a gathered
// list of byte addresses, in one half of the buffer (always half 0 unless it is double-buffered).
// It is written into the SRAM's request queue and returned as the completion with the cycles the
// SRAM handled it.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <vector>

#include "sim/reference/memory/AccessDirection.h"
#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

struct SramAccess {
  std::uint64_t id = 0;  // the client's tag, returned untouched
  AccessDirection direction = AccessDirection::kRead;
  std::uint64_t half = 0;
  // With `addresses` empty the access covers bytes [base, base + bytes); otherwise it covers
  // the bytes at `addresses` and ignores base and bytes.
  std::uint64_t base = 0;
  std::uint64_t bytes = 0;
  std::vector<std::uint64_t> addresses;
  Cycle accepted_cycle = 0;   // the SRAM started it on its half's banks
  Cycle completed_cycle = 0;  // its completion was written into the response queue

  static SramAccess range(std::uint64_t id, AccessDirection direction, std::uint64_t base,
                          std::uint64_t bytes, std::uint64_t half = 0);
  static SramAccess gather(std::uint64_t id, AccessDirection direction,
                           std::vector<std::uint64_t> addresses, std::uint64_t half = 0);

  friend bool operator==(const SramAccess&, const SramAccess&) = default;
};

// sc_fifo<SramAccess> prints its contents through this.
std::ostream& operator<<(std::ostream& os, const SramAccess& access);

}  // namespace cascade::sim
