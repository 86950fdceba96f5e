#include "sim/reference/pipeline/Tile.h"

#include <ostream>

namespace cascade::sim {

std::ostream& operator<<(std::ostream& os, const Tile& tile) {
  return os << "Tile{" << tile.index << " emitted@" << tile.emitted_cycle << " accepted@"
            << tile.accepted_cycle << " completed@" << tile.completed_cycle << " consumed@"
            << tile.consumed_cycle << "}";
}

}  // namespace cascade::sim
