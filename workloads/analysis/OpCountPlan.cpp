#include "workloads/analysis/OpCountPlan.h"

#include <set>

#include "base/CheckedMath.h"

namespace cascade::workloads {
namespace {

std::vector<size_t> slots_of(const std::set<std::string>& vars, RankSlots& slots) {
  std::vector<size_t> out;
  for (const auto& v : vars) out.push_back(slots.slot_of(rank_of_variable(v)));
  return out;
}

// The kind count_ops gives a node that is no leaf.
std::string kind_of(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::Negate:
      return "neg";
    case Expr::Kind::Binary:
      return e.op == '+' ? "add" : e.op == '-' ? "sub" : e.op == '*' ? "mul" : "div";
    case Expr::Kind::Call:
      return e.function;
    case Expr::Kind::Access:
      return e.access.gathered_position() >= 0 ? "gather" : "";
    case Expr::Kind::Number:
      break;
  }
  return {};
}

}  // namespace

void OpCountPlan::compile(const Expr& node, std::vector<std::pair<std::string, std::vector<size_t>>>& adds,
                          RankSlots& slots) {
  for (const auto& a : node.args) compile(*a, adds, slots);
  const std::string kind = kind_of(node);
  if (!kind.empty()) adds.emplace_back(kind, slots_of(node.variables(), slots));
}

OpCountPlan::OpCountPlan(const Einsum& e, const Cascade& c, RankSlots& slots)
    : einsum_(&e), cascade_(&c), conditioned_(!e.conditions.empty()), space_(slots_of(e.variables(), slots)) {
  // The additions count_ops makes, in its order (an empty list of slots: the whole space).
  std::vector<std::pair<std::string, std::vector<size_t>>> adds;
  std::vector<bool> whole;
  std::set<std::string> out_vars;
  for (const auto& idx : e.output.indices) out_vars.insert(idx.var);
  bool reduces = false;
  for (const auto& v : e.rhs->variables()) reduces = reduces || !out_vars.count(v);
  if (reduces && e.reduction.op == ReduceOp::Sum && e.rhs->kind == Expr::Kind::Binary && e.rhs->op == '*') {
    for (const auto& a : e.rhs->args) compile(*a, adds, slots);
    whole.assign(adds.size(), false);
    adds.emplace_back("mac", std::vector<size_t>{});
    whole.push_back(true);
  } else {
    compile(*e.rhs, adds, slots);
    whole.assign(adds.size(), false);
    if (reduces) {
      adds.emplace_back(e.reduction.op == ReduceOp::Sum ? "add" : to_string(e.reduction.op), std::vector<size_t>{});
      whole.push_back(true);
    }
  }
  // OpCounts orders its kinds as they are added; adding nothing of each gives that order.
  OpCounts order(c.file);
  for (const auto& [kind, vars] : adds) order.add(kind, 0);
  for (const auto& [kind, n] : order.entries()) kinds_.push_back(kind);
  for (size_t i = 0; i < adds.size(); ++i) {
    size_t k = 0;
    while (kinds_[k] != adds[i].first) ++k;
    steps_.push_back({k, whole[i], std::move(adds[i].second)});
  }
}

uint64_t OpCountPlan::points_of(const std::vector<size_t>& vars, const RankSlots::Sizes& sizes) const {
  uint64_t n = 1;
  for (size_t v : vars)
    n = checked_mul(n, sizes.of(v), *cascade_, "the iteration space of the Einsum writing", einsum_->output.tensor);
  return n;
}

uint64_t OpCountPlan::count(const RankSlots::Sizes& sizes, uint64_t* counts) const {
  if (conditioned_) {
    const OpCounts ops = count_ops(*einsum_, *cascade_, sizes.named());
    for (size_t k = 0; k < kinds_.size(); ++k) counts[k] = ops.entries()[k].second;
    return iteration_points(*einsum_, *cascade_, sizes.named());
  }
  const uint64_t points = points_of(space_, sizes);
  for (size_t k = 0; k < kinds_.size(); ++k) counts[k] = 0;
  for (const Step& s : steps_) {
    const uint64_t n = s.whole_space ? points : points_of(s.vars, sizes);
    const auto sum = base::checked_add(counts[s.kind], n);
    if (!sum)
      throw base::InputError(cascade_->file, {}, "the count of '" + kinds_[s.kind] +
                                                     "' operations overflows 64 bits at these rank sizes");
    counts[s.kind] = *sum;
  }
  return points;
}

}  // namespace cascade::workloads
