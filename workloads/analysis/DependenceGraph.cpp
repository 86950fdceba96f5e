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
  std::vector<size_t> cycle;
  // Depth-first with an explicit stack (a chain of thousands of Einsums must not exhaust the call
  // stack): each entry is an open node and the index of its next successor to visit.
  std::vector<std::pair<size_t, size_t>> stack;
  for (size_t i = 0; i < size() && cycle.empty(); ++i) {
    if (mark[i] != Mark::New) continue;
    mark[i] = Mark::Open;
    stack.push_back({i, 0});
    while (!stack.empty() && cycle.empty()) {
      auto& [n, next] = stack.back();
      if (next == succs_[n].size()) {
        mark[n] = Mark::Done;
        stack.pop_back();
        continue;
      }
      const size_t s = succs_[n][next++];
      if (mark[s] == Mark::Open) {
        const auto it = std::find_if(stack.begin(), stack.end(), [&](const auto& e) { return e.first == s; });
        for (auto at = it; at != stack.end(); ++at) cycle.push_back(at->first);
      } else if (mark[s] == Mark::New) {
        mark[s] = Mark::Open;
        stack.push_back({s, 0});
      }
    }
  }
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
