#include "workloads/analysis/ShapeBinding.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>


namespace cascade::workloads {
namespace {

[[noreturn]] void fail(const Cascade& c, base::SourcePos pos, const std::string& message) {
  throw base::InputError(c.file, pos, message);
}


// Whether index variable `var` ranges over `rank`: rank_of_variable(var) == rank, without building
// the name (this runs for every index of every access at every binding). Index variables are
// lower-case ASCII letters and digits (is_index_variable).
bool ranges_over(const std::string& var, const std::string& rank) {
  if (var.size() != rank.size()) return false;
  for (size_t i = 0; i < var.size(); ++i) {
    const char c = var[i];
    if ((c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c) != rank[i]) return false;
  }
  return true;
}

void check_access(const Cascade& c, const Access& a, const RankSizes& sizes) {
  const Tensor* t = c.find_tensor(a.tensor);
  for (size_t k = 0; k < a.indices.size(); ++k) {
    const IndexExpr& idx = a.indices[k];
    // An index over a rank declared equal to the tensor's (m over P): equal sizes only.
    if (idx.form == IndexExpr::Form::Variable && !ranges_over(idx.var, t->ranks[k]) &&
        sizes.of_variable(idx.var) != sizes.of(t->ranks[k]))
      fail(c, idx.pos, "index '" + idx.var + "' ranges over " + rank_of_variable(idx.var) + " = " +
                           std::to_string(sizes.of_variable(idx.var)) + " but addresses rank " + t->ranks[k] +
                           " = " + std::to_string(sizes.of(t->ranks[k])) + " of tensor '" + t->name +
                           "' (ranks declared equal must keep equal sizes)");
    if (idx.form == IndexExpr::Form::Gathered) check_access(c, *idx.gather, sizes);
    if (idx.form != IndexExpr::Form::Constant) continue;
    const uint64_t value = idx.const_rank.empty() ? static_cast<uint64_t>(idx.const_value)
                                                  : sizes.of(idx.const_rank);
    const uint64_t size = sizes.of(t->ranks[k]);
    const uint64_t last = c.is_recurrent_position(a.tensor, k) ? size : size - 1;
    if (value > last)
      fail(c, idx.pos, "index '" + idx.to_string() + "' = " + std::to_string(value) +
                           " is past the end of rank " + t->ranks[k] + " of tensor '" +
                           t->name + "' (last position " + std::to_string(last) + ")");
  }
}

// The reads of `e` in the order collect_accesses gives them.
void check_reads(const Cascade& c, const Expr& e, const RankSizes& sizes) {
  if (e.kind == Expr::Kind::Access) check_access(c, e.access, sizes);
  for (const auto& a : e.args) check_reads(c, *a, sizes);
}

void check_constant_indices(const Cascade& c, const RankSizes& sizes) {
  for (const auto& e : c.einsums) {
    check_reads(c, *e.rhs, sizes);
    check_access(c, e.output, sizes);
  }
}

void check_extents(const Cascade& c, const RankSizes& sizes) {
  for (const auto& t : c.tensors)
    if (t.extent) extent_sizes(c, t, sizes);
}

// next_multiple(res^dims, 8) for a level of resolution `res`, or nothing past 2^62.
std::optional<uint64_t> grid_level_entries(uint64_t res, uint32_t dims) {
  uint64_t n = 1;
  for (uint32_t d = 0; d < dims; ++d)
    if (__builtin_mul_overflow(n, res, &n) || n > kMaxRankSize) return std::nullopt;
  return (n + 7) / 8 * 8;
}

}  // namespace

double grid_level_scale(const MultiResolutionGrid& grid, uint64_t level) {
  return std::exp2(static_cast<double>(level) * std::log2(grid.per_level_scale)) *
             static_cast<double>(grid.base_resolution) - 1.0;
}

double tensor_bytes(const Cascade& c, const std::string& tensor, const RankSizes& sizes) {
  return tensor_elements(c, tensor, sizes) * element_bytes(c.find_tensor(tensor)->type);
}

std::vector<uint64_t> extent_sizes(const Cascade& c, const Tensor& t, const RankSizes& sizes) {
  const TensorExtent& x = *t.extent;
  const uint64_t levels = sizes.of(x.along), cap = sizes.of(x.rank);
  const std::string what = "tensor '" + t.name + "': extent of " + x.rank + " along " + x.along;
  if (!x.grid) {
    if (x.sizes.size() != levels)
      fail(c, x.pos, what + " lists " + std::to_string(x.sizes.size()) + " sizes but " + x.along + " = " +
                         std::to_string(levels));
    for (uint64_t n : x.sizes)
      if (n > cap)
        fail(c, x.pos, what + ": size " + std::to_string(n) + " exceeds " + x.rank + " = " + std::to_string(cap));
    return x.sizes;
  }
  const MultiResolutionGrid& g = *x.grid;
  if (levels > 64) fail(c, x.pos, what + ": a multi-resolution grid has at most 64 levels, " + x.along + " = " +
                                      std::to_string(levels));
  std::vector<uint64_t> out;
  for (uint64_t l = 0; l < levels; ++l) {
    const double res = std::ceil(grid_level_scale(g, l)) + 1.0;
    const auto entries = res < 0x1p62 ? grid_level_entries(static_cast<uint64_t>(res), g.dims) : std::nullopt;
    if (g.hashed) {
      out.push_back(entries ? std::min(*entries, cap) : cap);
      continue;
    }
    if (!entries || *entries > cap)
      fail(c, x.pos, what + ": dense level " + std::to_string(l) + " (resolution " +
                         (res < 0x1p62 ? std::to_string(static_cast<uint64_t>(res)) : std::string("over 2^62")) + ") has " + (entries ? std::to_string(*entries) : "over 2^62") + " entries, more than " +
                         x.rank + " = " + std::to_string(cap) + " (enlarge " + x.rank + " or hash the grid)");
    out.push_back(*entries);
  }
  return out;
}

uint64_t tensor_element_count(const Cascade& c, const Tensor& t, const RankSizes& sizes) {
  uint64_t n = 1;
  const std::vector<uint64_t> ragged = t.extent ? extent_sizes(c, t, sizes) : std::vector<uint64_t>{};
  for (size_t k = 0; k < t.ranks.size(); ++k) {
    const std::string& r = t.ranks[k];
    if (t.extent && r == t.extent->rank) continue;
    uint64_t extent = sizes.of(r) + (c.is_recurrent_position(t.name, k) ? 1 : 0);
    if (t.extent && r == t.extent->along) {
      extent = 0;
      for (uint64_t s : ragged)
        if (__builtin_add_overflow(extent, s, &extent))
          fail(c, t.pos, "the size of tensor " + t.name + " overflows 64 bits at these rank sizes");
    }
    n = checked_mul(n, extent, c, "the size of tensor", t.name);
  }
  return n;
}

double tensor_elements(const Cascade& c, const std::string& tensor, const RankSizes& sizes) {
  return static_cast<double>(tensor_element_count(c, *c.find_tensor(tensor), sizes));
}

uint64_t checked_mul(uint64_t a, uint64_t b, const Cascade& cascade, const char* what,
                     const std::string& name) {
  uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r))
    fail(cascade, {}, std::string(what) + " " + name + " overflows 64 bits at these rank sizes");
  return r;
}

void parse_size_override(const std::string& text, std::map<std::string, uint64_t>& overrides) {
  const size_t eq = text.find('=');
  const std::string name = text.substr(0, eq);
  const std::string value = eq == std::string::npos ? "" : text.substr(eq + 1);
  const bool digits = !value.empty() && value.size() <= 19 &&
                      value.find_first_not_of("0123456789") == std::string::npos;
  if (name.empty() || !digits)
    throw base::InputError("--set", {}, "'" + text + "': expected RANK=SIZE, e.g. M=4096");
  const uint64_t size = std::stoull(value);  // at most 19 digits: below 2^64
  if (size == 0 || size > kMaxRankSize)
    throw base::InputError("--set", {}, "'" + text + "': a rank size must be between 1 and 2^62");
  if (!overrides.emplace(name, size).second)
    throw base::InputError("--set", {}, "'" + text + "': rank " + name + " is already set to " +
                                             std::to_string(overrides.at(name)));
}

RankSizes bind_shapes(const Cascade& c, const std::map<std::string, uint64_t>& overrides) {
  RankSizes sizes;
  for (const auto& [name, value] : overrides) {
    const bool base = c.find_rank(name) != nullptr;
    const Partition* part = c.find_partition_making(name);
    if (!base && !part)
      fail(c, {}, "--set " + name + "=" + std::to_string(value) + ": the workload has no rank '" +
                      name + "'");
    if (part && part->outer == name)
      fail(c, {}, "--set " + name + "=" + std::to_string(value) + ": rank " + name +
                      " is derived as " + part->rank + " / " + part->inner + "; set " +
                      part->rank + " or " + part->inner + " instead");
    if (value == 0 || value > kMaxRankSize)
      fail(c, {}, "--set " + name + "=" + std::to_string(value) + ": a rank size must be between 1 and 2^62");
  }
  // Declared ranks: override, own size, then equal_to (validated to end in a rank with a size).
  for (const auto& r : c.ranks) {
    const Rank* at = &r;
    std::optional<uint64_t> size;
    for (size_t steps = 0; at && steps <= c.ranks.size(); ++steps) {
      if (auto it = overrides.find(at->name); it != overrides.end()) {
        size = it->second;
        break;
      }
      if (at->size) {
        size = at->size;
        break;
      }
      at = at->equal_to.empty() ? nullptr : c.find_rank(at->equal_to);
    }
    if (!size)
      fail(c, r.pos, "rank '" + r.name + "' has no size: give it in the file (size: N) or with --set " +
                         r.name + "=N");
    sizes.set(r.name, *size);
  }
  // Partitions, in an order where each split rank already has its size (parts may be split again).
  std::vector<bool> done(c.partitions.size());
  for (size_t round = 0; round < c.partitions.size(); ++round) {
    for (size_t i = 0; i < c.partitions.size(); ++i) {
      const Partition& p = c.partitions[i];
      if (done[i] || !sizes.all().count(p.rank)) continue;
      std::optional<uint64_t> inner = p.inner_size;
      if (auto it = overrides.find(p.inner); it != overrides.end()) inner = it->second;
      if (!inner)
        fail(c, p.pos, "partition of " + p.rank + ": rank " + p.inner +
                           " has no size (give inner_size or --set " + p.inner + "=N)");
      const uint64_t whole = sizes.of(p.rank);
      if (whole % *inner != 0)
        fail(c, p.pos, "partition size " + p.inner + "=" + std::to_string(*inner) +
                           " does not divide " + p.rank + "=" + std::to_string(whole));
      sizes.set(p.inner, *inner);
      sizes.set(p.outer, whole / *inner);
      done[i] = true;
    }
  }
  check_constant_indices(c, sizes);
  check_extents(c, sizes);
  return sizes;
}

}  // namespace cascade::workloads
