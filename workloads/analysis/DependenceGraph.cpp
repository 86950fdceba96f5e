#include "workloads/analysis/DependenceGraph.h"

#include <algorithm>
#include <queue>
#include <set>

namespace cascade::workloads {

DependenceGraph::DependenceGraph(const Cascade& cascade)
    : preds_(cascade.einsums.size()),
      succs_(cascade.einsums.size()),
      carried_(cascade.einsums.size()),
      self_(cascade.einsums.size()),
      read_by_others_(cascade.einsums.size()) {
  for (size_t i = 0; i < cascade.einsums.size(); ++i) {
    std::vector<const Access*> reads;
    cascade.einsums[i].rhs->collect_accesses(reads);
    std::set<size_t> from, carried;
    for (const Access* a : reads) {
      const int w = cascade.writer_of(a->tensor);
      if (w < 0) continue;
      const auto writer = static_cast<size_t>(w);
      if (writer != i) read_by_others_[writer] = true;
      if (is_loop_carried(cascade.einsums[writer], *a))
        carried.insert(writer);
      else if (writer == i)
        self_[i] = true;
      else
        from.insert(writer);
    }
    preds_[i].assign(from.begin(), from.end());
    carried_[i].assign(carried.begin(), carried.end());
    for (size_t p : from) succs_[p].push_back(i);
  }
}

bool DependenceGraph::is_loop_carried(const Einsum& writer, const Access& read) {
  const auto& out = writer.output.indices;
  for (size_t k = 0; k < out.size() && k < read.indices.size(); ++k) {
    if (out[k].form != IndexExpr::Form::Shifted) continue;
    const IndexExpr& r = read.indices[k];
    if (r.form == IndexExpr::Form::Variable && r.var == out[k].var) return true;
    if (r.form == IndexExpr::Form::Shifted && r.var == out[k].var && r.offset < out[k].offset)
      return true;
  }
  return false;
}

std::vector<size_t> DependenceGraph::find_cycle() const {
  enum class Mark { New, Open, Done };
  std::vector<Mark> mark(size(), Mark::New);
  std::vector<size_t> stack;
  std::vector<size_t> cycle;
  // Iterative DFS would do as well; cascades have tens of Einsums, so recursion depth is small.
  auto visit = [&](auto&& self, size_t n) -> bool {
    mark[n] = Mark::Open;
    stack.push_back(n);
    for (size_t s : succs_[n]) {
      if (mark[s] == Mark::Open) {
        auto it = std::find(stack.begin(), stack.end(), s);
        cycle.assign(it, stack.end());
        return true;
      }
      if (mark[s] == Mark::New && self(self, s)) return true;
    }
    stack.pop_back();
    mark[n] = Mark::Done;
    return false;
  };
  for (size_t i = 0; i < size() && cycle.empty(); ++i)
    if (mark[i] == Mark::New) visit(visit, i);
  if (!cycle.empty())
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  return cycle;
}

std::vector<size_t> DependenceGraph::topological_order() const {
  std::vector<size_t> indegree(size());
  for (size_t i = 0; i < size(); ++i) indegree[i] = preds_[i].size();
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < size(); ++i)
    if (indegree[i] == 0) ready.push(i);
  std::vector<size_t> order;
  while (!ready.empty()) {
    const size_t n = ready.top();
    ready.pop();
    order.push_back(n);
    for (size_t s : succs_[n])
      if (--indegree[s] == 0) ready.push(s);
  }
  return order;
}

}  // namespace cascade::workloads
