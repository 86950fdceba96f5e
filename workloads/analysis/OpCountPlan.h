#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "workloads/analysis/OpCounts.h"
#include "workloads/analysis/RankSlots.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// count_ops and iteration_points of one Einsum compiled once, for a caller that evaluates the
// Einsum at many rank sizes: which kinds it counts, in OpCounts' order, and for each count the
// rank slots whose sizes multiply into it, so that an evaluation is only products. It gives what
// count_ops and iteration_points give, bit for bit, their errors included (an Einsum with
// conditions, a masked one, is counted by them).
class OpCountPlan {
 public:
  // `einsum` and `cascade` must outlive the plan.
  OpCountPlan(const Einsum& einsum, const Cascade& cascade, RankSlots& slots);

  // The kinds of count_ops' entries, in their order (the same at every size).
  const std::vector<std::string>& kinds() const { return kinds_; }
  // Writes count_ops' counts, by kinds(), to counts[0 .. kinds().size()) and returns
  // iteration_points.
  uint64_t count(const RankSlots::Sizes& sizes, uint64_t* counts) const;

 private:
  struct Step {
    size_t kind;              // index in kinds_
    bool whole_space;         // counts the iteration points
    std::vector<size_t> vars; // else the points of these rank slots
  };
  uint64_t points_of(const std::vector<size_t>& vars, const RankSlots::Sizes& sizes) const;
  void compile(const Expr& node, std::vector<std::pair<std::string, std::vector<size_t>>>& adds, RankSlots& slots);

  const Einsum* einsum_;
  const Cascade* cascade_;
  bool conditioned_;
  std::vector<size_t> space_;  // the iteration space's rank slots, in variable order
  std::vector<std::string> kinds_;
  std::vector<Step> steps_;
};

}  // namespace cascade::workloads
