#include "workloads/parser/NeuralBlocks.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/EinsumParser.h"
#include "workloads/parser/ElementTypes.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::workloads {
namespace {

using Step = base::TextProtoFile::Step;

// Bounds of the blocks' parameters (configs/workload.proto states them with the defaults).
constexpr uint32_t kMaxGridDims = 4, kMaxGridLevels = 64, kMaxFeatures = 64, kMaxLog2Table = 30;
constexpr uint64_t kMaxBaseResolution = uint64_t{1} << 20;
constexpr uint32_t kMaxShDegree = 4, kMaxMlpWidth = 4096, kMaxHiddenLayers = 16;
// tcnn's FullyFusedMLP pads its outputs to a multiple of 16 (REQUIRED_ALIGNMENT, 16x16x16 tensor-core
// tiles; include/tiny-cuda-nn/common.h).
constexpr uint32_t kMlpOutputAlignment = 16;
// The most blocks of each kind a file may have.
constexpr int kMaxBlocks = 16;

// What every block does: declare ranks and tensors, parse Einsums, group them in operators, all at
// the block's position, and name the block's fields in errors.
class BlockWriter {
 public:
  BlockWriter(const base::TextProtoFile& source, Cascade& c, const char* block, int index)
      : source_(source), c_(c), block_(block), index_(index), pos_(source.locate({{block, index}})) {}

  base::SourcePos pos() const { return pos_; }
  [[noreturn]] void fail(const char* field, const std::string& message) const {
    throw base::InputError(source_.file(), field ? source_.locate({{block_, index_}, {field}}) : pos_,
                           std::string(block_) + " '" + name_ + "': " + message);
  }
  void set_name(const std::string& name) {
    if (name.empty()) fail(nullptr, "missing field 'name'");
    name_ = name;
  }
  const std::string& name() const { return name_; }

  // An unsigned field with its default, within [lo, hi].
  template <typename T>
  T bounded(bool has, T value, T fallback, T lo, T hi, const char* field) const {
    const T v = has ? value : fallback;
    if (v < lo || v > hi)
      fail(field, std::string(field) + " must be " + std::to_string(lo) + " to " + std::to_string(hi) + ", found " +
                      std::to_string(v));
    return v;
  }
  ElementType type_or_fp16(config::ElementType type, const char* field) const {
    if (type == config::ELEMENT_TYPE_UNSPECIFIED) return ElementType::FP16;
    const auto t = element_type_from_proto(type);
    if (!t) fail(field, "unknown type " + std::to_string(static_cast<int>(type)));
    return *t;
  }
  // A rank name given in a field, or the default.
  std::string rank_name(const std::string& given, const char* fallback, const char* field) const {
    const std::string r = given.empty() ? fallback : given;
    if (!is_rank_name(r)) fail(field, "rank name '" + r + "' must be upper case letters and digits");
    return r;
  }
  // A copy: the block's own tensors are appended to the cascade after this is read.
  Tensor input(const std::string& tensor, const char* field) const {
    if (tensor.empty()) fail(field, std::string("missing field '") + field + "'");
    const Tensor* t = c_.find_tensor(tensor);
    if (!t) fail(field, "reads undeclared tensor '" + tensor + "' (declare it with tensor { ... })");
    return *t;
  }

  void rank(const std::string& name, uint64_t size) {
    Rank r;
    r.name = name;
    r.size = size;
    r.pos = pos_;
    c_.ranks.push_back(r);
  }
  void tensor(const std::string& name, std::vector<std::string> ranks, ElementType type,
              std::optional<TensorExtent> extent = std::nullopt, const char* initial = nullptr) {
    Tensor t;
    t.name = name;
    t.ranks = std::move(ranks);
    t.type = type;
    t.pos = pos_;
    if (initial) {
      t.initial_text = initial;
      t.initial = std::stod(initial);
    }
    if (extent) {
      extent->pos = pos_;
      t.extent = std::move(extent);
    }
    c_.tensors.push_back(std::move(t));
  }
  void einsum(const std::string& text) {
    c_.einsums.push_back(parse_einsum(text, source_.file(), pos_));
    written_.push_back(c_.einsums.size() - 1);
  }
  // Groups the Einsums written since the last operator.
  void op(const std::string& name, OperatorKind kind) {
    Operator o;
    o.name = name;
    o.kind = kind;
    o.einsums = written_;
    o.pos = pos_;
    c_.operators.push_back(std::move(o));
    written_.clear();
  }

 private:
  const base::TextProtoFile& source_;
  Cascade& c_;
  const char* block_;
  int index_;
  base::SourcePos pos_;
  std::string name_;
  std::vector<size_t> written_;
};

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i) s += (i ? "," : "") + parts[i];
  return s;
}

std::vector<std::string> variables_of(const std::vector<std::string>& ranks) {
  std::vector<std::string> v;
  for (const auto& r : ranks) v.push_back(variable_of_rank(r));
  return v;
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The entries of a grid's densest level, for the size of a dense grid's table rank (the extent's
// own check at binding repeats it with the bound level count).
uint64_t largest_dense_level(const MultiResolutionGrid& grid, uint32_t levels, const BlockWriter& w) {
  uint64_t most = 0;
  for (uint32_t l = 0; l < levels; ++l) {
    const double res = std::ceil(grid_level_scale(grid, l)) + 1.0;
    const double entries = std::ceil(std::pow(res, grid.dims) / 8.0) * 8.0;
    if (!(entries <= 0x1p40))
      w.fail("levels", "dense level " + std::to_string(l) + " has over 2^40 entries: hash the grid or use fewer levels");
    most = std::max(most, static_cast<uint64_t>(entries));
  }
  return most;
}

void expand_grid(const config::GridEncoding& g, const base::TextProtoFile& source, Cascade& c, int i) {
  BlockWriter w(source, c, "grid_encoding", i);
  w.set_name(g.name());
  const uint32_t dims = w.bounded(g.has_dims(), g.dims(), 3u, 1u, kMaxGridDims, "dims");
  const uint32_t levels = w.bounded(g.has_levels(), g.levels(), 16u, 1u, kMaxGridLevels, "levels");
  const uint32_t features = w.bounded(g.has_features(), g.features(), 2u, 1u, kMaxFeatures, "features");
  const uint32_t log2_table = w.bounded(g.has_log2_table_size(), g.log2_table_size(), 19u, 1u, kMaxLog2Table,
                                        "log2_table_size");
  const uint64_t base = w.bounded<uint64_t>(g.has_base_resolution(), g.base_resolution(), 16, 1,
                                            kMaxBaseResolution, "base_resolution");
  const double scale = g.has_per_level_scale() ? g.per_level_scale() : 2.0;
  if (!(scale >= 1.0 && scale <= 64.0)) w.fail("per_level_scale", "per_level_scale must be 1 to 64");
  if (g.kind() != config::GridEncoding::HASH && g.kind() != config::GridEncoding::DENSE)
    w.fail("kind", g.kind() == config::GridEncoding::KIND_UNSPECIFIED ? "missing field 'kind' (HASH or DENSE)"
                                                                      : "unknown kind (HASH or DENSE)");
  const bool hashed = g.kind() == config::GridEncoding::HASH;
  const ElementType type = w.type_or_fp16(g.type(), "type");
  const Tensor in = w.input(g.input(), "input");
  if (in.ranks.size() < 2) w.fail("input", "input '" + in.name + "' needs query ranks and a last rank of the dims");
  if (const Rank* d = c.find_rank(in.ranks.back()); d && d->size && *d->size != dims)
    w.fail("dims", "the input's last rank " + d->name + " has " + std::to_string(*d->size) + " positions, not dims = " +
                       std::to_string(dims));
  if (g.output().empty()) w.fail("output", "missing field 'output'");
  const std::string L = w.rank_name(g.level_rank(), "L", "level_rank"), C = w.rank_name(g.corner_rank(), "C", "corner_rank"),
                    F = w.rank_name(g.feature_rank(), "F", "feature_rank"), T = w.rank_name(g.table_rank(), "T", "table_rank");
  const std::string D = in.ranks.back();
  const std::vector<std::string> Q(in.ranks.begin(), in.ranks.end() - 1);
  const std::string q = joined(variables_of(Q)), l = variable_of_rank(L), cv = variable_of_rank(C),
                    f = variable_of_rank(F), d = variable_of_rank(D);
  const std::string p = w.name() + "_";

  w.rank(L, levels);
  w.rank(C, uint64_t{1} << dims);
  w.rank(F, features);
  const MultiResolutionGrid layout{dims, base, scale, hashed};
  w.rank(T, hashed ? uint64_t{1} << log2_table : largest_dense_level(layout, levels, w));
  TensorExtent table;
  table.rank = T;
  table.along = L;
  table.grid = layout;
  // Constants of the encoding: per-level scales and table sizes, the corners' offsets (bit k of
  // corner c along dimension k), the hash's primes or the dense grid's strides.
  w.tensor(p + "S", {L}, ElementType::FP32);
  w.tensor(p + "LS", {L}, ElementType::INT32);
  w.tensor(p + "CO", {C, D}, ElementType::INT32);
  w.tensor(hashed ? p + "PI" : p + "ST", hashed ? std::vector<std::string>{D} : std::vector<std::string>{L, D},
           ElementType::INT32);
  w.tensor(p + "GRID", {L, T, F}, type, table);
  w.tensor(p + "PS", plus(Q, {L, D}), ElementType::FP32);
  w.tensor(p + "PF", plus(Q, {L, D}), ElementType::INT32);
  w.tensor(p + "PW", plus(Q, {L, D}), ElementType::FP32);
  w.tensor(p + "CC", plus(Q, {L, C, D}), ElementType::INT32);
  w.tensor(p + "H", plus(Q, {L, C}), ElementType::INT32);
  w.tensor(p + "IDX", plus(Q, {L, C}), ElementType::INT32);
  w.tensor(p + "WF", plus(Q, {L, C, D}), ElementType::FP32);
  w.tensor(p + "W", plus(Q, {L, C}), ElementType::FP32);
  w.tensor(g.output(), plus(Q, {L, F}), type);

  const std::string qld = q + "," + l + "," + d, qlc = q + "," + l + "," + cv, qlcd = qlc + "," + d;
  // tcnn grid.h pos_fract: pos = scale * x + 0.5, its floor the cell, the rest the weight.
  w.einsum(p + "PS[" + qld + "] = " + in.name + "[" + q + "," + d + "] * " + p + "S[" + l + "] + 0.5");
  w.einsum(p + "PF[" + qld + "] = floor(" + p + "PS[" + qld + "])");
  w.einsum(p + "PW[" + qld + "] = frac(" + p + "PS[" + qld + "])");
  w.einsum(p + "CC[" + qlcd + "] = " + p + "PF[" + qld + "] + " + p + "CO[" + cv + "," + d + "]");
  // grid_index: the CoherentPrime hash (xor of coordinate x prime), or the dense index (the sum of
  // coordinate x stride); either taken modulo the level's size.
  if (hashed)
    w.einsum(p + "H[" + qlc + "] = xor[" + d + "](" + p + "CC[" + qlcd + "] * " + p + "PI[" + d + "])");
  else
    w.einsum(p + "H[" + qlc + "] = " + p + "CC[" + qlcd + "] * " + p + "ST[" + l + "," + d + "]");
  w.einsum(p + "IDX[" + qlc + "] = mod(" + p + "H[" + qlc + "], " + p + "LS[" + l + "])");
  // The d-linear weight of a corner: the product over dimensions of w or 1 - w.
  w.einsum(p + "WF[" + qlcd + "] = " + p + "CO[" + cv + "," + d + "] * " + p + "PW[" + qld + "] + (1 - " + p + "CO[" +
           cv + "," + d + "]) * (1 - " + p + "PW[" + qld + "])");
  std::string weight;
  for (uint32_t k = 0; k < dims; ++k) weight += (k ? " * " : "") + p + "WF[" + qlc + "," + std::to_string(k) + "]";
  w.einsum(p + "W[" + qlc + "] = " + weight);
  w.einsum(g.output() + "[" + q + "," + l + "," + f + "] = " + p + "W[" + qlc + "] * " + p + "GRID[" + l + "," + p +
           "IDX[" + qlc + "]," + f + "]");
  w.op(w.name(), OperatorKind::Encoding);
}

// The number of monomials of degree below `degree` in three variables: C(degree + 2, 3).
uint64_t monomials_below(uint32_t degree) { return uint64_t{degree} * (degree + 1) * (degree + 2) / 6; }

void expand_sh(const config::SphericalHarmonics& s, const base::TextProtoFile& source, Cascade& c, int i) {
  BlockWriter w(source, c, "sh_encoding", i);
  w.set_name(s.name());
  const uint32_t degree = w.bounded(s.has_degree(), s.degree(), 4u, 1u, kMaxShDegree, "degree");
  const ElementType type = w.type_or_fp16(s.type(), "type");
  const Tensor in = w.input(s.input(), "input");
  if (in.ranks.size() < 2) w.fail("input", "input '" + in.name + "' needs query ranks and a last rank of 3");
  if (const Rank* d = c.find_rank(in.ranks.back()); d && d->size && *d->size != 3)
    w.fail("input", "the input's last rank " + d->name + " has " + std::to_string(*d->size) + " positions, not 3");
  if (s.output().empty()) w.fail("output", "missing field 'output'");
  const std::string J = w.rank_name(s.basis_rank(), "J", "basis_rank");
  const std::string JP = J + "P", JM = J + "M", JT = J + "T";  // powers, monomials, terms
  const std::string D = in.ranks.back();
  const std::vector<std::string> Q(in.ranks.begin(), in.ranks.end() - 1);
  const std::string q = joined(variables_of(Q)), d = variable_of_rank(D), jp = variable_of_rank(JP),
                    jm = variable_of_rank(JM), jt = variable_of_rank(JT), j = variable_of_rank(J);
  const std::string p = w.name() + "_";

  w.rank(J, uint64_t{degree} * degree);
  w.rank(JP, degree > 1 ? degree - 1 : 1);
  w.rank(JM, monomials_below(degree));
  w.rank(JT, 2);  // up to degree 4, each of tcnn's basis functions is one or two monomials
  w.tensor(p + "U", plus(Q, {D}), ElementType::FP32);
  w.tensor(p + "POW", plus(Q, {D, JP}), ElementType::FP32, std::nullopt, "1");
  for (const char* e : {"EX", "EY", "EZ"}) w.tensor(p + e, {JM}, ElementType::INT32);
  w.tensor(p + "MONO", plus(Q, {JM}), ElementType::FP32);
  w.tensor(p + "A", {J, JT}, ElementType::FP32);
  w.tensor(p + "MI", {J, JT}, ElementType::INT32);
  w.tensor(s.output(), plus(Q, {J}), type);

  // tcnn maps the unit direction to [-1, 1], takes its powers and evaluates each basis function as
  // a constant times its monomials.
  w.einsum(p + "U[" + q + "," + d + "] = 2 * " + in.name + "[" + q + "," + d + "] - 1");
  w.einsum(p + "POW[" + q + "," + d + "," + jp + "+1] = " + p + "POW[" + q + "," + d + "," + jp + "] * " + p + "U[" + q +
           "," + d + "]");
  std::string mono;
  const char* exps[] = {"EX", "EY", "EZ"};
  for (int k = 0; k < 3; ++k)
    mono += (k ? " * " : "") + p + "POW[" + q + "," + std::to_string(k) + "," + p + exps[k] + "[" + jm + "]]";
  w.einsum(p + "MONO[" + q + "," + jm + "] = " + mono);
  w.einsum(s.output() + "[" + q + "," + j + "] = " + p + "A[" + j + "," + jt + "] * " + p + "MONO[" + q + "," + p +
           "MI[" + j + "," + jt + "]]");
  w.op(w.name(), OperatorKind::Encoding);
}

std::string activated(config::Activation a, const std::string& x) {
  return a == config::RELU ? "relu(" + x + ")" : x;
}

void expand_mlp(const config::Mlp& m, const base::TextProtoFile& source, Cascade& c, int i) {
  BlockWriter w(source, c, "mlp", i);
  w.set_name(m.name());
  const uint32_t width = w.bounded(m.has_width(), m.width(), 64u, 1u, kMaxMlpWidth, "width");
  const uint32_t hidden = w.bounded(m.has_hidden_layers(), m.hidden_layers(), 1u, 1u, kMaxHiddenLayers, "hidden_layers");
  const uint32_t outputs = w.bounded(m.has_outputs(), m.outputs(), 16u, 1u, kMaxMlpWidth, "outputs");
  const uint32_t padded = (outputs + kMlpOutputAlignment - 1) / kMlpOutputAlignment * kMlpOutputAlignment;
  const config::Activation act = m.activation() == config::ACTIVATION_UNSPECIFIED ? config::RELU : m.activation();
  const config::Activation out_act =
      m.output_activation() == config::ACTIVATION_UNSPECIFIED ? config::NONE : m.output_activation();
  const ElementType type = w.type_or_fp16(m.type(), "type");
  const std::string K = w.rank_name(m.hidden_rank(), "K", "hidden_rank"), O = w.rank_name(m.output_rank(), "O", "output_rank");
  if (m.input_size() == 0) w.fail("input", "missing field 'input'");
  if (m.input_size() > 8) w.fail("input", "at most 8 inputs");
  if (m.output().empty()) w.fail("output", "missing field 'output'");
  // The query ranks: each input's ranks without its features, the same for all.
  std::vector<std::string> Q;
  for (int k = 0; k < m.input_size(); ++k) {
    const Tensor in = w.input(m.input(k).tensor(), "input");
    if (m.input(k).features_size() == 0) w.fail("input", "input '" + in.name + "' names no features rank");
    std::vector<std::string> rest = in.ranks;
    for (const auto& f : m.input(k).features()) {
      const auto at = std::find(rest.begin(), rest.end(), f);
      if (at == rest.end()) w.fail("input", "input '" + in.name + "' has no rank '" + f + "'");
      rest.erase(at);
    }
    if (k == 0) Q = rest;
    if (rest != Q || rest.empty())
      w.fail("input", "input '" + in.name + "' must have the query ranks [" + joined(Q) + "] besides its features");
  }
  const std::string q = joined(variables_of(Q)), p = w.name() + "_";
  std::string prev;  // the previous layer's activation tensor, and its rank
  std::string prev_rank;
  for (uint32_t layer = 1; layer <= hidden; ++layer) {
    const std::string Kl = K + std::to_string(layer), kl = variable_of_rank(Kl), n = std::to_string(layer);
    w.rank(Kl, width);
    const std::string A = p + "A" + n;
    w.tensor(A, plus(Q, {Kl}), type);
    if (layer == 1) {
      std::string sum;
      for (int k = 0; k < m.input_size(); ++k) {
        const auto& in = m.input(k);
        const std::vector<std::string> feats(in.features().begin(), in.features().end());
        const std::string suffix = m.input_size() > 1 ? "_" + std::to_string(k) : "";
        const std::string Wt = p + "W1" + suffix, Y = p + "Y1" + suffix;
        w.tensor(Wt, plus(feats, {Kl}), type);
        w.tensor(Y, plus(Q, {Kl}), type);
        std::vector<std::string> in_vars;
        for (const auto& r : c.find_tensor(in.tensor())->ranks) in_vars.push_back(variable_of_rank(r));
        w.einsum(Y + "[" + q + "," + kl + "] = " + in.tensor() + "[" + joined(in_vars) + "] * " + Wt + "[" +
                 joined(variables_of(feats)) + "," + kl + "]");
        sum += (k ? " + " : "") + Y + "[" + q + "," + kl + "]";
      }
      // A concatenated input's first layer: one GEMM per part, summed.
      w.einsum(A + "[" + q + "," + kl + "] = " + activated(act, sum));
    } else {
      const std::string Wt = p + "W" + n, Y = p + "Y" + n;
      w.tensor(Wt, {prev_rank, Kl}, type);
      w.tensor(Y, plus(Q, {Kl}), type);
      w.einsum(Y + "[" + q + "," + kl + "] = " + prev + "[" + q + "," + variable_of_rank(prev_rank) + "] * " + Wt + "[" +
               variable_of_rank(prev_rank) + "," + kl + "]");
      w.einsum(A + "[" + q + "," + kl + "] = " + activated(act, Y + "[" + q + "," + kl + "]"));
    }
    prev = A;
    prev_rank = Kl;
  }
  w.rank(O, padded);
  const std::string o = variable_of_rank(O), WO = p + "WO";
  w.tensor(WO, {prev_rank, O}, type);
  w.tensor(m.output(), plus(Q, {O}), type);
  const std::string product = prev + "[" + q + "," + variable_of_rank(prev_rank) + "] * " + WO + "[" +
                              variable_of_rank(prev_rank) + "," + o + "]";
  if (out_act == config::NONE) {
    w.einsum(m.output() + "[" + q + "," + o + "] = " + product);
  } else {
    w.tensor(p + "YO", plus(Q, {O}), type);
    w.einsum(p + "YO[" + q + "," + o + "] = " + product);
    w.einsum(m.output() + "[" + q + "," + o + "] = " + activated(out_act, p + "YO[" + q + "," + o + "]"));
  }
  w.op(w.name(), OperatorKind::Mlp);
}

}  // namespace

void expand_neural_blocks(const config::Workload& w, const base::TextProtoFile& source, Cascade& c) {
  // A block adds at most a few dozen entries: bounding the blocks keeps the cascade within the
  // limits a file has (kMaxRanks, kMaxEinsums), checked again after the expansion.
  const std::pair<const char*, int> counts[] = {
      {"grid_encoding", w.grid_encoding_size()}, {"sh_encoding", w.sh_encoding_size()}, {"mlp", w.mlp_size()}};
  for (const auto& [field, n] : counts)
    if (n > kMaxBlocks)
      throw base::InputError(source.file(), source.locate({{field, kMaxBlocks}}),
                             "workload: more than " + std::to_string(kMaxBlocks) + " '" + field + "' blocks");
  for (int i = 0; i < w.grid_encoding_size(); ++i) expand_grid(w.grid_encoding(i), source, c, i);
  for (int i = 0; i < w.sh_encoding_size(); ++i) expand_sh(w.sh_encoding(i), source, c, i);
  for (int i = 0; i < w.mlp_size(); ++i) expand_mlp(w.mlp(i), source, c, i);
  if (c.ranks.size() > static_cast<size_t>(kMaxRanks) || c.tensors.size() > static_cast<size_t>(kMaxEinsums) ||
      c.einsums.size() > static_cast<size_t>(kMaxEinsums))
    throw base::InputError(source.file(), {1, 0},
                           "workload: its blocks expand to more than " + std::to_string(kMaxRanks) + " ranks or " +
                               std::to_string(kMaxEinsums) + " tensors or Einsums");
}

}  // namespace cascade::workloads
