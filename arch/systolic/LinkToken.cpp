#include "arch/systolic/LinkToken.h"

#include <ostream>
#include <systemc>

namespace cascade::arch {

std::ostream& operator<<(std::ostream& os, const LinkToken& token) {
  if (!token.valid) {
    return os << "-";
  }
  os << token.value;
  if (token.last) {
    os << " last";
  }
  return os << " reach " << token.reach;
}

void sc_trace(sc_core::sc_trace_file* file, const LinkToken& token, const std::string& name) {
  sc_core::sc_trace(file, token.value, name + ".value");
  sc_core::sc_trace(file, token.valid, name + ".valid");
  sc_core::sc_trace(file, token.last, name + ".last");
  sc_core::sc_trace(file, token.reach, name + ".reach");
}

}  // namespace cascade::arch
