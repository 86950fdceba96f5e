#include "base/InputError.h"

namespace cascade::base {
namespace {

std::string format_error(const std::string& file, SourcePos pos, const std::string& message) {
  std::string where = file.empty() ? std::string("<input>") : file;
  if (pos.line > 0) {
    where += ":" + std::to_string(pos.line);
    if (pos.column > 0) where += ":" + std::to_string(pos.column);
  }
  return where + ": error: " + message;
}

}  // namespace

InputError::InputError(std::string file, SourcePos pos, std::string message)
    : std::runtime_error(format_error(file, pos, message)),
      file_(std::move(file)),
      pos_(pos),
      message_(std::move(message)) {}

}  // namespace cascade::base
