#pragma once

#include <stdexcept>
#include <string>

namespace cascade::base {

// A position in a workload file, 1-based; line 0 means "not from a file" (built in code).
struct SourcePos {
  int line = 0;
  int column = 0;
  bool operator==(const SourcePos&) const = default;
};

// Bad input (a workload, a config, a command-line value): carries the file and position so the CLI
// can print "file:line:column: error: message" and exit with code 2.
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, SourcePos pos, std::string message);

  const std::string& file() const { return file_; }
  SourcePos pos() const { return pos_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  SourcePos pos_;
  std::string message_;
};

}  // namespace cascade::base
