#include "sim/reference/memory/LinkTransfer.h"

#include <ostream>

namespace cascade::sim {

std::ostream& operator<<(std::ostream& os, const LinkTransfer& transfer) {
  return os << "LinkTransfer{" << transfer.id << " " << transfer.bytes << "B accepted@"
            << transfer.accepted_cycle << " delivered@" << transfer.delivered_cycle << "}";
}

}  // namespace cascade::sim
