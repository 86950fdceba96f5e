// Whether a memory transaction moves data out of (read) or into (write) the memory.
#pragma once

#include <iosfwd>

namespace cascade::sim {

enum class AccessDirection { kRead, kWrite };

// "read" or "write": the word error messages and stats paths use.
const char* to_string(AccessDirection direction);
std::ostream& operator<<(std::ostream& os, AccessDirection direction);

}  // namespace cascade::sim
