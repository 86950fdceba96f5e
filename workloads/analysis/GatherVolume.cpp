#include "workloads/analysis/GatherVolume.h"

#include <algorithm>
#include <limits>
#include <set>
#include <vector>

namespace cascade::workloads {
namespace {

constexpr uint64_t kSaturated = std::numeric_limits<uint64_t>::max();

uint64_t saturating_mul(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? kSaturated : r;
}

uint64_t saturating_add(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? kSaturated : r;
}

// The positions one gathered read of `t` can reach (saturating: the caller caps at the tensor).
uint64_t touched_by(const Access& a, const Tensor& t, const Cascade& c, const RankSizes& sizes) {
  const auto g = static_cast<size_t>(a.gathered_position());
  std::set<std::string> direct;
  for (size_t k = 0; k < a.indices.size(); ++k)
    if (k != g)
      for (const auto& v : a.indices[k].variables()) direct.insert(v);
  uint64_t lookups = 1;  // the points of the variables only the gather has: queries x corners
  for (const auto& v : a.indices[g].gather->variables())
    if (!direct.count(v)) lookups = saturating_mul(lookups, sizes.of_variable(v));
  const bool ragged_gather = t.extent && t.ranks[g] == t.extent->rank;
  if (t.extent && !ragged_gather) return kSaturated;  // a ragged rank read directly: all of it
  const std::vector<uint64_t> extents = ragged_gather ? extent_sizes(c, t, sizes) : std::vector<uint64_t>{};
  uint64_t n = 1;
  for (size_t k = 0; k < a.indices.size(); ++k) {
    if (k == g) continue;
    const IndexExpr& idx = a.indices[k];
    const bool fixed = idx.form == IndexExpr::Form::Constant;
    if (ragged_gather && t.ranks[k] == t.extent->along) {
      // Per level: min(its entries, the lookups).
      uint64_t levels = 0;
      if (fixed) {
        const uint64_t at = idx.const_rank.empty() ? static_cast<uint64_t>(idx.const_value) : sizes.of(idx.const_rank);
        levels = std::min(extents.at(at), lookups);
      } else {
        for (uint64_t e : extents) levels = saturating_add(levels, std::min(e, lookups));
      }
      n = saturating_mul(n, levels);
      continue;
    }
    n = saturating_mul(n, fixed ? 1 : sizes.of(t.ranks[k]) + (c.is_recurrent_position(t.name, k) ? 1 : 0));
  }
  return ragged_gather ? n : saturating_mul(n, std::min(sizes.of(t.ranks[g]), lookups));
}

}  // namespace

uint64_t touched_elements(const Cascade& c, const Tensor& t, const RankSizes& sizes) {
  const uint64_t all = tensor_element_count(c, t, sizes);
  if (c.writer_of(t.name) >= 0) return all;
  uint64_t touched = 0;
  bool read = false;
  for (const auto& e : c.einsums) {
    std::vector<const Access*> reads;
    e.rhs->collect_accesses(reads);
    for (const Access* a : reads) {
      if (a->tensor != t.name) continue;
      if (a->gathered_position() < 0) return all;
      read = true;
      touched = saturating_add(touched, touched_by(*a, t, c, sizes));
    }
  }
  return read ? std::min(all, touched) : all;
}

}  // namespace cascade::workloads
