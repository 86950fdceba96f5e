#include "sim/reference/memory/AccessDirection.h"

#include <ostream>

namespace cascade::sim {

const char* to_string(AccessDirection direction) {
  return direction == AccessDirection::kRead ? "read" : "write";
}

std::ostream& operator<<(std::ostream& os, AccessDirection direction) {
  return os << to_string(direction);
}

}  // namespace cascade::sim
