// What one register between neighbouring PEs (or between the array's edge logic and its border
// PEs) holds in a cycle of the PE-level model: an operand, weight or result, or nothing.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace sc_core {
class sc_trace_file;
}

namespace cascade::arch {

struct LinkToken {
  std::int64_t value = 0;
  bool valid = false;  // false: the register holds no data this cycle
  bool last = false;   // OS operands: the K-th (last) pair of the tile's stream
  // Operands and weights: the index (column for a token moving right, row for one moving down)
  // of the last PE it travels to. A PE passes the token on only while its own index is below,
  // so a partial tile's data never enters the unused PEs; a WS weight is kept by the PE at
  // that row.
  std::uint64_t reach = 0;

  friend bool operator==(const LinkToken&, const LinkToken&) = default;
};

// sc_signal<LinkToken> prints and traces its value through these.
std::ostream& operator<<(std::ostream& os, const LinkToken& token);
void sc_trace(sc_core::sc_trace_file* file, const LinkToken& token, const std::string& name);

}  // namespace cascade::arch
