#include "base/TextProtoFile.h"

#include <google/protobuf/io/tokenizer.h>

#include <cmath>
#include <sstream>

#include "base/InputFile.h"

namespace cascade::base {
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

std::string TextProtoFile::read(const std::string& path) { return read_input_file(path, kMaxConfigBytes); }

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

namespace {

// Depth-first over the set fields; the depth is that of the schema (text format's parser refuses
// nesting deeper than 100).
bool find_in(const pb::Message& m, const std::string& prefix, BadNumber& bad) {
  const pb::Reflection* r = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const std::string name = prefix + f->name();
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      bad.path.push_back({f->name().c_str(), f->is_repeated() ? i : -1});
      if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
        const pb::Message& child = f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
        // A map's entries are messages of a key and a value: name the entry by its key.
        std::string child_prefix = name + ".";
        if (f->is_map()) {
          const pb::FieldDescriptor* key = f->message_type()->map_key();
          child_prefix = name + "[" +
                         (key->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING
                              ? "\"" + child.GetReflection()->GetString(child, key) + "\""
                              : std::string("...")) +
                         "].";
        }
        if (find_in(child, child_prefix, bad)) return true;
      } else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE ||
                 f->cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT) {
        const double v = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE
                             ? (f->is_repeated() ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f))
                             : (f->is_repeated() ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f));
        if (!std::isfinite(v) || v < 0) {
          // A map entry's value is named by its entry ("...[\"bf16\"]"), not as ".value".
          bad.field = m.GetDescriptor()->map_key() != nullptr ? prefix.substr(0, prefix.size() - 1) : name;
          bad.value = v;
          return true;
        }
      }
      bad.path.pop_back();
    }
  }
  return false;
}

}  // namespace

std::string BadNumber::message() const {
  std::ostringstream shown;
  shown << value;
  return field + ": " + shown.str() + " is not a finite number of at least 0";
}

std::optional<BadNumber> find_bad_number(const pb::Message& message) {
  BadNumber bad;
  if (find_in(message, "", bad)) return bad;
  return std::nullopt;
}

void TextProtoFile::require_finite_non_negative_numbers() const {
  if (const auto bad = find_bad_number(*root_)) fail(locate(bad->path), bad->message());
}

}  // namespace cascade::base
