#include "workloads/parser/WorkloadLoader.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "base/Text.h"
#include "configs/workload.pb.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/CascadeValidator.h"
#include "workloads/parser/ElementTypes.h"
#include "workloads/parser/NeuralBlocks.h"
#include "workloads/parser/EinsumParser.h"
#include "base/TextProtoFile.h"

namespace cascade::workloads {
namespace {


class Converter {
 public:
  explicit Converter(const base::TextProtoFile& source) : file_(source.file()), source_(source) {}

  Cascade convert(const config::Workload& w) {
    Cascade c;
    c.file = file_;
    c.name = w.name();
    c.description = w.description();
    if (c.name.empty()) throw base::InputError(file_, {1, 0}, "workload: missing field 'name'");
    if (!base::is_printable(c.name))
      throw base::InputError(file_, source_.locate({{"name"}}), "workload: the name has a control character (a newline?)");
    if (!base::is_printable(c.description))
      throw base::InputError(file_, source_.locate({{"description"}}),
                             "workload: the description has a control character (a newline?)");
    const std::pair<const char*, int> counts[] = {{"rank", w.rank_size()},
                                                  {"partition", w.partition_size()},
                                                  {"tensor", w.tensor_size()},
                                                  {"einsum", w.einsum_size()},
                                                  {"operator", w.operator__size()}};
    for (const auto& [field, n] : counts) {
      const int limit = field == std::string("rank") || field == std::string("partition") ? kMaxRanks : kMaxEinsums;
      if (n > limit)
        throw base::InputError(file_, source_.locate({{field, limit}}),
                               "workload: more than " + std::to_string(limit) + " '" + field + "' entries");
    }
    for (int i = 0; i < w.rank_size(); ++i) {
      const auto& r = w.rank(i);
      Rank rank;
      rank.pos = source_.locate({{"rank", i}});
      if (r.name().empty()) throw base::InputError(file_, rank.pos, "rank: missing field 'name'");
      rank.name = r.name();
      if (r.has_size()) {
        if (r.size() == 0 || r.size() > kMaxRankSize)
          throw base::InputError(file_, source_.locate({{"rank", i}, {"size"}}),
                              "rank '" + r.name() + "': size must be between 1 and 2^62");
        rank.size = r.size();
      }
      rank.equal_to = r.equal_to();
      c.ranks.push_back(rank);
    }
    for (int i = 0; i < w.partition_size(); ++i) {
      const auto& p = w.partition(i);
      Partition part;
      part.pos = source_.locate({{"partition", i}});
      for (const auto& [field, value] : {std::pair{"rank", &p.rank()}, {"outer", &p.outer()},
                                         {"inner", &p.inner()}})
        if (value->empty())
          throw base::InputError(file_, part.pos,
                              std::string("partition: missing field '") + field + "'");
      part.rank = p.rank();
      part.outer = p.outer();
      part.inner = p.inner();
      if (p.has_inner_size()) {
        if (p.inner_size() == 0 || p.inner_size() > kMaxRankSize)
          throw base::InputError(file_, source_.locate({{"partition", i}, {"inner_size"}}),
                              "partition of '" + p.rank() + "': inner_size must be between 1 and 2^62");
        part.inner_size = p.inner_size();
      }
      c.partitions.push_back(part);
    }
    for (int i = 0; i < w.tensor_size(); ++i) {
      const auto& t = w.tensor(i);
      Tensor tensor;
      tensor.pos = source_.locate({{"tensor", i}});
      if (t.name().empty()) throw base::InputError(file_, tensor.pos, "tensor: missing field 'name'");
      tensor.name = t.name();
      tensor.ranks.assign(t.ranks().begin(), t.ranks().end());
      tensor.type = element_type(t, tensor.pos);
      if (!t.initial().empty()) {
        tensor.initial_text = t.initial();
        tensor.initial = parse_number(t.initial(),
                                      source_.locate({{"tensor", i}, {"initial"}}),
                                      "tensor '" + t.name() + "': initial value");
      }
      if (t.has_extent()) tensor.extent = convert_extent(t, i);
      c.tensors.push_back(tensor);
    }
    for (int i = 0; i < w.einsum_size(); ++i) {
      const base::SourcePos field = source_.locate({{"einsum", i}});
      c.einsums.push_back(parse_einsum(w.einsum(i), file_, source_.literal_start(field)));
    }
    expand_neural_blocks(w, source_, c);
    for (int i = 0; i < w.operator__size(); ++i) c.operators.push_back(convert_operator(w, c, i));
    return c;
  }

 private:
  ElementType element_type(const config::Tensor& t, base::SourcePos pos) const {
    if (const auto type = element_type_from_proto(t.type())) return *type;
    throw base::InputError(file_, pos,
                           "tensor '" + t.name() + "': " +
                               (t.type() == config::ELEMENT_TYPE_UNSPECIFIED
                                    ? std::string("missing field 'type'")
                                    : "unknown type " + std::to_string(static_cast<int>(t.type()))) +
                               " (one of FP32, FP16, BF16, FP8, INT8, INT16, INT32, FP64)");
  }

  TensorExtent convert_extent(const config::Tensor& t, int i) const {
    const auto& x = t.extent();
    TensorExtent e;
    e.pos = source_.locate({{"tensor", i}, {"extent"}});
    const std::string what = "tensor '" + t.name() + "': extent";
    if (x.rank().empty() || x.along().empty())
      throw base::InputError(file_, e.pos, what + ": missing field '" + (x.rank().empty() ? "rank" : "along") + "'");
    e.rank = x.rank();
    e.along = x.along();
    if (x.has_grid() == (x.sizes_size() > 0))
      throw base::InputError(file_, e.pos, what + ": give either 'sizes' (one per position of " + x.along() +
                                               ") or 'grid', not " + (x.has_grid() ? "both" : "neither"));
    if (x.sizes_size() > kMaxExtentSizes)
      throw base::InputError(file_, source_.locate({{"tensor", i}, {"extent"}, {"sizes", kMaxExtentSizes}}),
                             what + ": more than " + std::to_string(kMaxExtentSizes) + " sizes");
    for (int k = 0; k < x.sizes_size(); ++k) {
      if (x.sizes(k) == 0 || x.sizes(k) > kMaxRankSize)
        throw base::InputError(file_, source_.locate({{"tensor", i}, {"extent"}, {"sizes", k}}),
                               what + ": a size must be between 1 and 2^62, found " + std::to_string(x.sizes(k)));
      e.sizes.push_back(x.sizes(k));
    }
    if (!x.has_grid()) return e;
    const auto& g = x.grid();
    const auto at = [&](const char* field) { return source_.locate({{"tensor", i}, {"extent"}, {"grid"}, {field}}); };
    if (g.dims() < 1 || g.dims() > 8)
      throw base::InputError(file_, at("dims"), what + ": grid dims must be 1 to 8, found " + std::to_string(g.dims()));
    if (g.base_resolution() < 1 || g.base_resolution() > (uint64_t{1} << 20))
      throw base::InputError(file_, at("base_resolution"),
                             what + ": grid base_resolution must be 1 to 2^20, found " + std::to_string(g.base_resolution()));
    if (!(g.per_level_scale() >= 1.0 && g.per_level_scale() <= 64.0))
      throw base::InputError(file_, at("per_level_scale"), what + ": grid per_level_scale must be 1 to 64");
    e.grid = MultiResolutionGrid{g.dims(), g.base_resolution(), g.per_level_scale(), g.hashed()};
    return e;
  }

  // An operator's Einsums by the tensors they write, each once, in any operator at most once.
  Operator convert_operator(const config::Workload& w, const Cascade& c, int i) const {
    const auto& o = w.operator_(i);
    Operator op;
    op.pos = source_.locate({{"operator", i}});
    if (o.name().empty()) throw base::InputError(file_, op.pos, "operator: missing field 'name'");
    if (!base::is_printable(o.name()))
      throw base::InputError(file_, source_.locate({{"operator", i}, {"name"}}),
                             "operator: the name has a control character (a newline?)");
    for (const auto& other : c.operators)
      if (other.name == o.name())
        throw base::InputError(file_, source_.locate({{"operator", i}, {"name"}}),
                               "operator '" + o.name() + "' is declared twice");
    switch (o.kind()) {
      case config::LINEAR: op.kind = OperatorKind::Linear; break;
      case config::ATTENTION: op.kind = OperatorKind::Attention; break;
      case config::NORMALIZATION: op.kind = OperatorKind::Normalization; break;
      case config::ELEMENTWISE: op.kind = OperatorKind::Elementwise; break;
      case config::ENCODING: op.kind = OperatorKind::Encoding; break;
      case config::MLP: op.kind = OperatorKind::Mlp; break;
      default:
        throw base::InputError(file_, op.pos, "operator '" + o.name() + "': " +
                                                  (o.kind() == config::OPERATOR_KIND_UNSPECIFIED
                                                       ? std::string("missing field 'kind'")
                                                       : "unknown kind " + std::to_string(static_cast<int>(o.kind()))) +
                                                  " (one of LINEAR, ATTENTION, NORMALIZATION, ELEMENTWISE, ENCODING, MLP)");
    }
    op.name = o.name();
    if (o.einsum_size() == 0) throw base::InputError(file_, op.pos, "operator '" + o.name() + "': no 'einsum'");
    for (int k = 0; k < o.einsum_size(); ++k) {
      const base::SourcePos at = source_.locate({{"operator", i}, {"einsum", k}});
      const std::string& tensor = o.einsum(k);
      const int writer = c.writer_of(tensor);
      if (writer < 0)
        throw base::InputError(file_, at, "operator '" + o.name() + "': no Einsum writes '" + base::printable(tensor) + "'");
      const auto e = static_cast<size_t>(writer);
      if (c.operator_of(e) || std::find(op.einsums.begin(), op.einsums.end(), e) != op.einsums.end())
        throw base::InputError(file_, at, "operator '" + o.name() + "': the Einsum writing '" + tensor +
                                              "' is already in an operator");
      op.einsums.push_back(e);
    }
    std::sort(op.einsums.begin(), op.einsums.end());
    return op;
  }

  double parse_number(const std::string& text, base::SourcePos pos, const std::string& what) const {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    const bool ok = end && *end == '\0' && end != text.c_str() && errno == 0 && !std::isnan(v);
    if (!ok) throw base::InputError(file_, pos, what + " '" + text + "' is not a number (e.g. 0, 1.5, -inf)");
    return v;
  }

  const std::string& file_;
  const base::TextProtoFile& source_;
};

}  // namespace

Cascade parse_workload_text(const std::string& text, const std::string& file) {
  config::Workload proto;
  const base::TextProtoFile source(text, file, proto);
  Cascade cascade = Converter(source).convert(proto);
  validate_cascade(cascade);
  return cascade;
}

Cascade load_workload_file(const std::string& path) {
  return parse_workload_text(base::TextProtoFile::read(path), path);
}

}  // namespace cascade::workloads
