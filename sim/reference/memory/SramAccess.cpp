#include "sim/reference/memory/SramAccess.h"

#include <ostream>
#include <utility>

namespace cascade::sim {

SramAccess SramAccess::range(std::uint64_t id, AccessDirection direction, std::uint64_t base,
                             std::uint64_t bytes, std::uint64_t half) {
  SramAccess access;
  access.id = id;
  access.direction = direction;
  access.half = half;
  access.base = base;
  access.bytes = bytes;
  return access;
}

SramAccess SramAccess::gather(std::uint64_t id, AccessDirection direction,
                              std::vector<std::uint64_t> addresses, std::uint64_t half) {
  SramAccess access;
  access.id = id;
  access.direction = direction;
  access.half = half;
  access.addresses = std::move(addresses);
  return access;
}

std::ostream& operator<<(std::ostream& os, const SramAccess& access) {
  os << "SramAccess{" << access.id << " " << access.direction << " half " << access.half << " ";
  if (access.addresses.empty()) {
    os << "[" << access.base << ", +" << access.bytes << ")";
  } else {
    os << access.addresses.size() << " addresses";
  }
  return os << " accepted@" << access.accepted_cycle << " completed@" << access.completed_cycle
            << "}";
}

}  // namespace cascade::sim
