#include "sim/reference/memory/MemoryRequest.h"

#include <ostream>

namespace cascade::sim {

std::ostream& operator<<(std::ostream& os, const MemoryRequest& request) {
  return os << "MemoryRequest{" << request.id << " " << request.direction << " "
            << request.bytes << "B accepted@" << request.accepted_cycle << " transferred@"
            << request.transferred_cycle << " completed@" << request.completed_cycle << "}";
}

}  // namespace cascade::sim
