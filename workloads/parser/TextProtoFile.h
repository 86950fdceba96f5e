#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "workloads/ir/SourcePos.h"

namespace cascade::workloads {

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

  // The first character inside a string field's literal, for errors inside the string.
  SourcePos literal_start(SourcePos field) const;

  [[noreturn]] void fail(SourcePos pos, const std::string& message) const;

 private:
  SourcePos pos(int line0, int tab_column) const;

  std::string file_;
  std::vector<std::string> lines_;
  const google::protobuf::Message* root_;
  google::protobuf::TextFormat::ParseInfoTree tree_;
};

}  // namespace cascade::workloads
