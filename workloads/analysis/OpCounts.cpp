#include "workloads/analysis/OpCounts.h"

#include <algorithm>
#include <array>

#include "base/CheckedMath.h"
#include "workloads/analysis/ConditionCount.h"

namespace cascade::workloads {
namespace {

constexpr std::array<const char*, 20> kOrder = {"mac",  "add",  "sub",  "mul",  "div",   "max",  "min",
                                                "xor",  "mod",  "exp",  "log",  "sqrt",  "relu", "gelu",
                                                "tanh", "abs",  "floor", "frac", "neg",  "gather"};

size_t rank_in_order(const std::string& kind) {
  for (size_t i = 0; i < kOrder.size(); ++i)
    if (kind == kOrder[i]) return i;
  return kOrder.size();
}

uint64_t points_of(const std::set<std::string>& vars, const Cascade& c, const RankSizes& sizes,
                   const std::string& tensor) {
  uint64_t n = 1;
  for (const auto& v : vars)
    n = checked_mul(n, sizes.of_variable(v), c, "the iteration space of the Einsum writing", tensor);
  return n;
}

// The points of `vars` the Einsum's conditions leave: on the (at most two) condition variables x
// and y, a box cut by a band on x - y (ConditionCount.h); a node with only x counts the x that have
// some y; one with neither, its points if any (x, y) holds at all.
uint64_t conditioned_points(const std::set<std::string>& vars, const Einsum& einsum, const Cascade& c,
                            const RankSizes& sizes, const std::string& tensor) {
  if (einsum.conditions.empty()) return points_of(vars, c, sizes, tensor);
  std::vector<std::string> pair;
  for (const auto& cond : einsum.conditions)
    for (const std::string* v : {&cond.var, &cond.other})
      if (!v->empty() && std::find(pair.begin(), pair.end(), *v) == pair.end()) pair.push_back(*v);
  const std::string& x = pair[0];
  const std::string y = pair.size() > 1 ? pair[1] : "";
  PairRegion r;
  r.x_hi = static_cast<int64_t>(sizes.of_variable(x)) - 1;
  r.y_hi = y.empty() ? 0 : static_cast<int64_t>(sizes.of_variable(y)) - 1;
  for (const auto& cond : einsum.conditions) {
    if (cond.other.empty())
      cond.var == x ? narrow(cond.op, cond.offset, r.x_lo, r.x_hi) : narrow(cond.op, cond.offset, r.y_lo, r.y_hi);
    else if (cond.var == x)  // x - y op offset
      narrow(cond.op, cond.offset, r.d_lo, r.d_hi);
    else  // y - x op offset: x - y op' -offset
      narrow(mirrored(cond.op), -cond.offset, r.d_lo, r.d_hi);
  }
  std::set<std::string> rest = vars;
  const bool in_x = rest.erase(x) > 0, in_y = !y.empty() && rest.erase(y) > 0;
  uint64_t kept = 0;
  if (in_x && in_y) {
    if (!count_region_points(r, kept))
      throw base::InputError(c.file, einsum.pos, "the iteration space of the Einsum writing " + tensor +
                                                     " overflows 64 bits at these rank sizes");
  } else if (in_x || in_y) {
    kept = count_region_xs(in_x ? r : swapped(r));
  } else {
    kept = count_region_xs(r) > 0 ? 1 : 0;
  }
  return checked_mul(points_of(rest, c, sizes, tensor), kept, c, "the iteration space of the Einsum writing", tensor);
}

void count_node(const Expr& e, const Einsum& einsum, const Cascade& c, const RankSizes& sizes,
                const std::string& tensor, OpCounts& out) {
  for (const auto& a : e.args) count_node(*a, einsum, c, sizes, tensor, out);
  std::string kind;
  switch (e.kind) {
    case Expr::Kind::Number:
      return;
    case Expr::Kind::Access:
      // A lookup: one indexed read per element the access reads.
      if (e.access.gathered_position() < 0) return;
      kind = "gather";
      break;
    case Expr::Kind::Negate:
      kind = "neg";
      break;
    case Expr::Kind::Binary:
      kind = e.op == '+' ? "add" : e.op == '-' ? "sub" : e.op == '*' ? "mul" : "div";
      break;
    case Expr::Kind::Call:
      kind = e.function;
      break;
  }
  out.add(kind, conditioned_points(e.variables(), einsum, c, sizes, tensor));
}

}  // namespace

void OpCounts::add(const std::string& kind, uint64_t count) {
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](auto& p) { return p.first == kind; });
  if (it != entries_.end()) {
    const auto sum = base::checked_add(it->second, count);
    if (!sum)
      throw base::InputError(file_, {}, "the count of '" + kind + "' operations overflows 64 bits at these rank sizes");
    it->second = *sum;
    return;
  }
  auto pos = std::find_if(entries_.begin(), entries_.end(), [&](auto& p) {
    return rank_in_order(p.first) > rank_in_order(kind);
  });
  entries_.insert(pos, {kind, count});
}

uint64_t OpCounts::of(const std::string& kind) const {
  for (const auto& [k, v] : entries_)
    if (k == kind) return v;
  return 0;
}

uint64_t OpCounts::total() const {
  uint64_t t = 0;
  for (const auto& [k, v] : entries_) {
    const auto sum = base::checked_add(t, v);
    if (!sum) throw base::InputError(file_, {}, "the total operation count overflows 64 bits at these rank sizes");
    t = *sum;
  }
  return t;
}

OpCounts& OpCounts::operator+=(const OpCounts& o) {
  for (const auto& [k, v] : o.entries_) add(k, v);
  return *this;
}

uint64_t iteration_points(const Einsum& e, const Cascade& c, const RankSizes& sizes) {
  return conditioned_points(e.variables(), e, c, sizes, e.output.tensor);
}

OpCounts count_ops(const Einsum& e, const Cascade& c, const RankSizes& sizes) {
  OpCounts ops(c.file);
  const std::string& what = e.output.tensor;
  const uint64_t points = iteration_points(e, c, sizes);
  std::set<std::string> out_vars;
  for (const auto& idx : e.output.indices) out_vars.insert(idx.var);
  bool reduces = false;
  for (const auto& v : e.rhs->variables()) reduces = reduces || !out_vars.count(v);
  if (reduces && e.reduction.op == ReduceOp::Sum && e.rhs->kind == Expr::Kind::Binary &&
      e.rhs->op == '*') {
    for (const auto& a : e.rhs->args) count_node(*a, e, c, sizes, what, ops);
    ops.add("mac", points);
    return ops;
  }
  count_node(*e.rhs, e, c, sizes, what, ops);
  if (reduces) ops.add(e.reduction.op == ReduceOp::Sum ? "add" : to_string(e.reduction.op), points);
  return ops;
}

}  // namespace cascade::workloads
