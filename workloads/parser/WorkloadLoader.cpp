#include "workloads/parser/WorkloadLoader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "configs/workload.pb.h"
#include "workloads/parser/CascadeValidator.h"
#include "workloads/parser/EinsumParser.h"

namespace cascade::workloads {
namespace {

namespace pb = google::protobuf;

// Maps protobuf's positions (0-based line, tab-expanded column) to 1-based byte columns, and finds
// where a string field's literal starts, so Einsum errors point at the character.
class SourceText {
 public:
  explicit SourceText(const std::string& text) {
    size_t start = 0;
    while (true) {
      const size_t nl = text.find('\n', start);
      lines_.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }

  SourcePos pos(int line0, int tab_column) const {
    if (line0 < 0 || static_cast<size_t>(line0) >= lines_.size()) return {line0 + 1, 0};
    return {line0 + 1, byte_index(lines_[static_cast<size_t>(line0)], tab_column) + 1};
  }

  // The first character inside the string literal of a field that starts at `field`.
  SourcePos literal_start(SourcePos field) const {
    if (field.line < 1 || static_cast<size_t>(field.line) > lines_.size()) return field;
    const std::string& line = lines_[static_cast<size_t>(field.line - 1)];
    const size_t quote = line.find_first_of("\"'", static_cast<size_t>(std::max(0, field.column - 1)));
    if (quote == std::string::npos) return field;
    return {field.line, static_cast<int>(quote) + 2};
  }

 private:
  static int byte_index(const std::string& line, int tab_column) {
    int col = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      if (col >= tab_column) return static_cast<int>(i);
      col = line[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
    }
    return static_cast<int>(line.size());
  }

  std::vector<std::string> lines_;
};

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

class Converter {
 public:
  Converter(const std::string& file, const SourceText& source, const pb::TextFormat::ParseInfoTree& tree)
      : file_(file), source_(source), tree_(tree) {}

  Cascade convert(const config::Workload& w) {
    const auto* d = w.GetDescriptor();
    Cascade c;
    c.file = file_;
    c.name = w.name();
    c.description = w.description();
    if (c.name.empty()) throw InputError(file_, {1, 0}, "workload: missing field 'name'");
    for (int i = 0; i < w.rank_size(); ++i) {
      const auto& r = w.rank(i);
      Rank rank;
      rank.pos = location(tree_, d->FindFieldByName("rank"), i);
      if (r.name().empty()) throw InputError(file_, rank.pos, "rank: missing field 'name'");
      rank.name = r.name();
      if (r.has_size()) {
        if (r.size() == 0)
          throw InputError(file_, nested_location(d, "rank", i, "size", rank.pos),
                              "rank '" + r.name() + "': size must be positive");
        rank.size = r.size();
      }
      rank.equal_to = r.equal_to();
      c.ranks.push_back(rank);
    }
    for (int i = 0; i < w.partition_size(); ++i) {
      const auto& p = w.partition(i);
      Partition part;
      part.pos = location(tree_, d->FindFieldByName("partition"), i);
      for (const auto& [field, value] : {std::pair{"rank", &p.rank()}, {"outer", &p.outer()},
                                         {"inner", &p.inner()}})
        if (value->empty())
          throw InputError(file_, part.pos,
                              std::string("partition: missing field '") + field + "'");
      part.rank = p.rank();
      part.outer = p.outer();
      part.inner = p.inner();
      if (p.has_inner_size()) {
        if (p.inner_size() == 0)
          throw InputError(file_, nested_location(d, "partition", i, "inner_size", part.pos),
                              "partition of '" + p.rank() + "': inner_size must be positive");
        part.inner_size = p.inner_size();
      }
      c.partitions.push_back(part);
    }
    for (int i = 0; i < w.tensor_size(); ++i) {
      const auto& t = w.tensor(i);
      Tensor tensor;
      tensor.pos = location(tree_, d->FindFieldByName("tensor"), i);
      if (t.name().empty()) throw InputError(file_, tensor.pos, "tensor: missing field 'name'");
      tensor.name = t.name();
      tensor.ranks.assign(t.ranks().begin(), t.ranks().end());
      tensor.type = element_type(t, tensor.pos);
      if (!t.initial().empty()) {
        tensor.initial_text = t.initial();
        tensor.initial = parse_number(t.initial(),
                                      nested_location(d, "tensor", i, "initial", tensor.pos),
                                      "tensor '" + t.name() + "': initial value");
      }
      c.tensors.push_back(tensor);
    }
    const auto* einsum_field = d->FindFieldByName("einsum");
    for (int i = 0; i < w.einsum_size(); ++i) {
      const SourcePos field = location(tree_, einsum_field, i);
      c.einsums.push_back(parse_einsum(w.einsum(i), file_, source_.literal_start(field)));
    }
    return c;
  }

 private:
  SourcePos location(const pb::TextFormat::ParseInfoTree& tree, const pb::FieldDescriptor* f,
                     int index) const {
    const auto loc = tree.GetLocation(f, index);
    if (loc.line < 0) return {};
    return source_.pos(loc.line, loc.column);
  }

  SourcePos nested_location(const pb::Descriptor* d, const char* field, int index,
                            const char* sub_field, SourcePos fallback) const {
    const auto* f = d->FindFieldByName(field);
    const auto* sub = tree_.GetTreeForNested(f, index);
    if (!sub) return fallback;
    const SourcePos p = location(*sub, f->message_type()->FindFieldByName(sub_field), -1);
    return p.line > 0 ? p : fallback;
  }

  ElementType element_type(const config::Tensor& t, SourcePos pos) const {
    switch (t.type()) {
      case config::FP32: return ElementType::FP32;
      case config::FP16: return ElementType::FP16;
      case config::BF16: return ElementType::BF16;
      case config::FP8: return ElementType::FP8;
      case config::INT8: return ElementType::INT8;
      case config::INT16: return ElementType::INT16;
      case config::INT32: return ElementType::INT32;
      case config::FP64: return ElementType::FP64;
      default:
        throw InputError(file_, pos,
                            "tensor '" + t.name() +
                                "': missing field 'type' (one of FP32, FP16, BF16, FP8, INT8, "
                                "INT16, INT32, FP64)");
    }
  }

  double parse_number(const std::string& text, SourcePos pos, const std::string& what) const {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    const bool ok = end && *end == '\0' && end != text.c_str() && errno == 0 && !std::isnan(v);
    if (!ok) throw InputError(file_, pos, what + " '" + text + "' is not a number (e.g. 0, 1.5, -inf)");
    return v;
  }

  const std::string& file_;
  const SourceText& source_;
  const pb::TextFormat::ParseInfoTree& tree_;
};

}  // namespace

Cascade parse_workload_text(const std::string& text, const std::string& file) {
  SourceText source(text);
  config::Workload proto;
  pb::TextFormat::Parser parser;
  FirstErrorCollector errors;
  pb::TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &proto)) {
    if (errors.has_error)
      throw InputError(file, source.pos(errors.line, errors.column), errors.message);
    throw InputError(file, {}, "not a valid workload file");
  }
  Cascade cascade = Converter(file, source, tree).convert(proto);
  validate_cascade(cascade);
  return cascade;
}

Cascade load_workload_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, {}, std::string("cannot open file: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_workload_text(buffer.str(), path);
}

}  // namespace cascade::workloads
