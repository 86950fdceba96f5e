#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/InputError.h"

namespace cascade::base {

// A protobuf text-format file (workloads, architecture configs) parsed with the position of every
// field kept, so later checks can say "file:line:column: error: <field> ...".
class TextProtoFile {
 public:
  // One step of a field path: a field name, and its index if the field is repeated.
  struct Step {
    const char* field;
    int index = -1;
  };

  // Parses `text` into `message`; throws InputError at the first syntax error or unknown field.
  TextProtoFile(const std::string& text, std::string file, google::protobuf::Message& message);

  // Reads and parses a file; throws InputError if it cannot be read or parsed.
  static std::string read(const std::string& path);

  const std::string& file() const { return file_; }

  // Position of the field at `path` (e.g. {{"array2d"}, {"rows"}}), or of the deepest enclosing
  // field found, or line 0 if none was written.
  SourcePos locate(std::initializer_list<Step> path) const;
  SourcePos locate(const std::vector<Step>& path) const;
  // How many steps of `path` this file writes (0: not even the first).
  size_t written_depth(const std::vector<Step>& path) const;

  // The first character inside a string field's literal, for errors inside the string.
  SourcePos literal_start(SourcePos field) const;

  [[noreturn]] void fail(SourcePos pos, const std::string& message) const;

  // Every floating-point number set in the parsed message (fields, repeated fields, map values)
  // must be finite and no smaller than zero: each number of the project's configs is a count, a
  // size, a rate, a time, an energy or a fraction, and a NaN, an infinity or a negative one only
  // yields meaningless results (or loops that never end). Throws InputError at the first that is
  // not, naming its field.
  void require_finite_non_negative_numbers() const;

 private:
  SourcePos locate(const std::vector<Step>& path, size_t& depth) const;
  SourcePos pos(int line0, int tab_column) const;

  std::string file_;
  std::vector<std::string> lines_;
  const google::protobuf::Message* root_;
  google::protobuf::TextFormat::ParseInfoTree tree_;
};

// A floating-point number of a message that is NaN, infinite or negative (find_bad_number).
struct BadNumber {
  std::vector<TextProtoFile::Step> path;  // for TextProtoFile::locate
  std::string field;                      // "timing.dram_latency_ns", "work.tensor_flops[\"bf16\"]"
  double value = 0;
  std::string message() const;            // "<field>: <value> is not a finite number of at least 0"
};

// The first floating-point number set in `message` (fields, repeated fields, map values, depth
// first) that is not finite and at least 0, if any: the check of every config and kernel, whether
// read from a file or built from a trace.
std::optional<BadNumber> find_bad_number(const google::protobuf::Message& message);

}  // namespace cascade::base
