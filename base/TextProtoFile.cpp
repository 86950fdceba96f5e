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
  size_t depth = 0;
  return locate(path, depth);
}

size_t TextProtoFile::written_depth(const std::vector<Step>& path) const {
  size_t depth = 0;
  locate(path, depth);
  return depth;
}

SourcePos TextProtoFile::locate(const std::vector<Step>& path, size_t& depth) const {
  const pb::TextFormat::ParseInfoTree* tree = &tree_;
  const pb::Descriptor* descriptor = root_->GetDescriptor();
  SourcePos found;
  depth = 0;
  for (const Step& step : path) {
    if (!tree || !descriptor) break;
    const pb::FieldDescriptor* field = descriptor->FindFieldByName(step.field);
    if (!field) break;
    const int index = field->is_repeated() ? std::max(step.index, 0) : -1;
    const auto loc = tree->GetLocation(field, index);
    if (loc.line < 0) break;
    found = pos(loc.line, loc.column);
    ++depth;
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

// One step down the message being searched: the field, its index if repeated, and the message
// holding the field (a map entry's key is read from the entry when naming it).
struct Frame {
  const pb::FieldDescriptor* field;
  int index;
  const pb::Message* child;  // the field's message, for message fields
};

// The field's dotted name, built only for the number found ("timing.dram_latency_ns",
// "work.tensor_flops[\"bf16\"]").
std::string name_of(const std::vector<Frame>& frames) {
  std::string name;
  for (size_t i = 0; i < frames.size(); ++i) {
    const Frame& f = frames[i];
    if (f.field->containing_type()->map_key() != nullptr) continue;  // an entry's key or value
    if (!name.empty()) name += '.';
    name += f.field->name();
    if (f.field->is_map() && f.child) {
      const pb::FieldDescriptor* key = f.field->message_type()->map_key();
      name += key->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING
                  ? "[\"" + f.child->GetReflection()->GetString(*f.child, key) + "\"]"
                  : std::string("[...]");
    }
  }
  return name;
}

// Depth-first over the set fields, with no allocation but the field list unless a number is bad;
// the depth is that of the schema (text format's parser refuses nesting deeper than 100).
bool find_in(const pb::Message& m, std::vector<Frame>& frames, BadNumber& bad) {
  const pb::Reflection* r = m.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const auto type = f->cpp_type();
    const bool message = type == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    if (!message && type != pb::FieldDescriptor::CPPTYPE_DOUBLE && type != pb::FieldDescriptor::CPPTYPE_FLOAT) continue;
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      const int index = f->is_repeated() ? i : -1;
      if (message) {
        const pb::Message& child = f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
        frames.push_back({f, index, &child});
        if (find_in(child, frames, bad)) return true;
        frames.pop_back();
        continue;
      }
      const double v = type == pb::FieldDescriptor::CPPTYPE_DOUBLE
                           ? (f->is_repeated() ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f))
                           : (f->is_repeated() ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f));
      if (!std::isfinite(v) || v < 0) {
        frames.push_back({f, index, nullptr});
        for (const Frame& frame : frames) bad.path.push_back({frame.field->name().c_str(), frame.index});
        bad.field = name_of(frames);
        bad.value = v;
        return true;
      }
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
  std::vector<Frame> frames;
  if (find_in(message, frames, bad)) return bad;
  return std::nullopt;
}

void TextProtoFile::require_finite_non_negative_numbers() const {
  if (const auto bad = find_bad_number(*root_)) fail(locate(bad->path), bad->message());
}

}  // namespace cascade::base
