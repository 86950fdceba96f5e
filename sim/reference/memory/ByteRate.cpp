#include "sim/reference/memory/ByteRate.h"

#include <numeric>

namespace cascade::sim {

ByteRate ByteRate::reduced() const {
  const std::uint64_t divisor = std::gcd(bytes, per_cycles);
  return divisor == 0 ? *this : ByteRate{bytes / divisor, per_cycles / divisor};
}

}  // namespace cascade::sim
