#pragma once

// Bad configs made from good ones in a test: a config file's text, one substitution in it, and
// where a piece of the edited text stands, as an error about it names it ("bad.pbtxt:LINE:COLUMN").
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace cascade::testing_support {

inline std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `text` with its first `from` replaced by `to` (a test failure if there is none).
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// "bad.pbtxt:LINE:COLUMN" of the first occurrence of `needle`.
inline std::string where(const std::string& text, const std::string& needle) {
  const size_t at = text.find(needle);
  const size_t line_start = text.rfind('\n', at) + 1;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  return "bad.pbtxt:" + std::to_string(line) + ":" + std::to_string(at - line_start + 1);
}

}  // namespace cascade::testing_support
