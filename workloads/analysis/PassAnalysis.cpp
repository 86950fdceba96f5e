#include "workloads/analysis/PassAnalysis.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "workloads/analysis/DependenceGraph.h"

namespace cascade::workloads {
namespace {

struct TensorState {
  int pass = 0;           // the pass that produces it (0: an input, available from the start)
  bool complete = false;  // depends on the whole rank and no longer has it: final only at a pass end
};

}  // namespace

RankPassCount count_passes(const Cascade& c, const DependenceGraph& graph, const std::string& root) {
  RankPassCount result;
  result.rank = root;
  result.einsum_pass.assign(c.einsums.size(), 0);
  std::set<std::string> family;
  for (const auto& r : c.ranks)
    if (c.root_rank(r.name) == root) family.insert(r.name);
  for (const auto& p : c.partitions) {
    if (c.root_rank(p.outer) == root) family.insert(p.outer);
    if (c.root_rank(p.inner) == root) family.insert(p.inner);
  }
  const auto in_family = [&](const std::string& var) { return family.count(rank_of_variable(var)) > 0; };

  std::map<std::string, TensorState> state;
  for (size_t i : graph.topological_order()) {
    const Einsum& e = c.einsums[i];
    bool iterates = false;
    for (const auto& v : e.variables()) iterates = iterates || in_family(v);
    bool keeps_rank = false;
    for (const auto& idx : e.output.indices) keeps_rank = keeps_rank || in_family(idx.var);

    int pass = iterates ? 1 : 0;
    bool reads_complete = false;
    std::vector<const Access*> reads;
    e.rhs->collect_accesses(reads);
    for (const Access* a : reads) {
      const int w = c.writer_of(a->tensor);
      // Inputs stream from the start; a loop-carried read sees the previous step of this pass.
      if (w < 0 || DependenceGraph::is_loop_carried(c.einsums[static_cast<size_t>(w)], *a)) continue;
      const TensorState& s = state[a->tensor];
      // Reading a recurrence at a fixed position along the rank (RNV[f,M1,p]) reads its last step.
      bool fixed_on_rank = false;
      const Tensor* t = c.find_tensor(a->tensor);
      for (size_t k = 0; k < a->indices.size(); ++k)
        fixed_on_rank = fixed_on_rank || (a->indices[k].form == IndexExpr::Form::Constant &&
                                          family.count(t->ranks[k]) > 0);
      const bool complete = s.complete || fixed_on_rank;
      reads_complete = reads_complete || complete;
      pass = std::max(pass, s.pass + (iterates && complete ? 1 : 0));
    }
    TensorState& out = state[e.output.tensor];
    out.pass = pass;
    out.complete = iterates ? !keeps_rank : reads_complete;
    const bool recurs = e.is_recurrent_along(family);
    result.reduced = result.reduced || (iterates && !keeps_rank) || recurs;
    bool reduces_by_extremum = false;
    if (e.reduction.written && e.reduction.op != ReduceOp::Sum)
      for (const auto& v : e.reduction.vars) reduces_by_extremum = reduces_by_extremum || in_family(v);
    result.recurs_or_extremum = result.recurs_or_extremum || recurs || reduces_by_extremum;
    if (iterates) {
      result.einsum_pass[i] = pass;
      result.passes = std::max(result.passes, pass);
    }
  }
  return result;
}

PassAnalysis analyze_passes(const Cascade& c, const DependenceGraph& graph) {
  PassAnalysis analysis;
  std::tuple<int, bool, bool, size_t> best{0, false, false, 0};
  for (const auto& r : c.ranks) {
    if (c.root_rank(r.name) != r.name) continue;
    const RankPassCount& counted = analysis.ranks.emplace_back(count_passes(c, graph, r.name));
    const auto iterating = static_cast<size_t>(std::count_if(
        counted.einsum_pass.begin(), counted.einsum_pass.end(), [](int p) { return p > 0; }));
    // The cascade's pass rank is the one needing most passes; among equals, a rank the cascade
    // recurs along or max/min-reduces (the softmax's rank), then one it reduces at all (a pass
    // over a rank no one reduces costs nothing), then the one most Einsums traverse: M in a 1-pass
    // attention, not P (never reduced), E (one product) or a transformer's H.
    const std::tuple<int, bool, bool, size_t> score{counted.passes, counted.recurs_or_extremum,
                                                    counted.reduced, iterating};
    if (counted.passes > 0 && score > best) {
      best = score;
      analysis.passes = counted.passes;
      analysis.pass_rank = r.name;
    }
  }
  return analysis;
}

}  // namespace cascade::workloads
