#include "workloads/parser/TextProtoFile.h"

#include <google/protobuf/io/tokenizer.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cascade::workloads {
namespace {

namespace pb = google::protobuf;

class FirstErrorCollector : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (!has_error) {
      has_error = true;
      this->line = line;
      this->column = column;
      this->message = message;
    }
  }
  bool has_error = false;
  int line = 0;
  int column = 0;
  std::string message;
};

// protobuf counts a tab as advancing to the next multiple of 8; errors report byte columns.
int byte_index(const std::string& line, int tab_column) {
  int col = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (col >= tab_column) return static_cast<int>(i);
    col = line[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
  }
  return static_cast<int>(line.size());
}

}  // namespace

TextProtoFile::TextProtoFile(const std::string& text, std::string file, pb::Message& message)
    : file_(std::move(file)), root_(&message) {
  size_t start = 0;
  while (true) {
    const size_t nl = text.find('\n', start);
    lines_.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  pb::TextFormat::Parser parser;
  FirstErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree_);
  if (!parser.ParseFromString(text, &message)) {
    if (errors.has_error) fail(pos(errors.line, errors.column), errors.message);
    fail({}, "not a valid " + message.GetDescriptor()->name() + " file");
  }
}

std::string TextProtoFile::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, {}, std::string("cannot open file: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

SourcePos TextProtoFile::pos(int line0, int tab_column) const {
  if (line0 < 0) return {};
  if (static_cast<size_t>(line0) >= lines_.size()) return {line0 + 1, 0};
  return {line0 + 1, byte_index(lines_[static_cast<size_t>(line0)], tab_column) + 1};
}

SourcePos TextProtoFile::locate(std::initializer_list<Step> path) const {
  return locate(std::vector<Step>(path));
}

SourcePos TextProtoFile::locate(const std::vector<Step>& path) const {
  const pb::TextFormat::ParseInfoTree* tree = &tree_;
  const pb::Descriptor* descriptor = root_->GetDescriptor();
  SourcePos found;
  for (const Step& step : path) {
    if (!tree || !descriptor) break;
    const pb::FieldDescriptor* field = descriptor->FindFieldByName(step.field);
    if (!field) break;
    const int index = field->is_repeated() ? std::max(step.index, 0) : -1;
    const auto loc = tree->GetLocation(field, index);
    if (loc.line < 0) break;
    found = pos(loc.line, loc.column);
    tree = field->message_type() ? tree->GetTreeForNested(field, index) : nullptr;
    descriptor = field->message_type();
  }
  return found;
}

SourcePos TextProtoFile::literal_start(SourcePos field) const {
  if (field.line < 1 || static_cast<size_t>(field.line) > lines_.size()) return field;
  const std::string& line = lines_[static_cast<size_t>(field.line - 1)];
  const size_t quote = line.find_first_of("\"'", static_cast<size_t>(std::max(0, field.column - 1)));
  if (quote == std::string::npos) return field;
  return {field.line, static_cast<int>(quote) + 2};
}

void TextProtoFile::fail(SourcePos pos, const std::string& message) const {
  throw InputError(file_, pos, message);
}

}  // namespace cascade::workloads
