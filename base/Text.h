#pragma once

#include <string>

namespace cascade::base {

// `s` with every control character (a newline, an escape sequence's ESC, ...) shown as '?': for
// names from files put into other files' comments or onto a terminal, where a newline would start
// a line of its own.
inline std::string printable(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

// Whether `s` has no control characters (a name given in a config or workload must not).
inline bool is_printable(const std::string& s) { return printable(s) == s; }

}  // namespace cascade::base
