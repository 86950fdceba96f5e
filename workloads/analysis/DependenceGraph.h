#pragma once

#include <cstddef>
#include <vector>

#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// The dependence graph of a cascade: one node per Einsum, an edge from the Einsum that writes a
// tensor to every Einsum that reads it in the same iteration. A read of a recurrent tensor's
// previous step (X[m] where X[m+1] is written) is loop-carried: it is kept apart, so recurrences
// through several Einsums (RD[m1+1] = SLD[m1] + SPD[m1]; SPD[m1] = RD[m1] * PRM[m1]) are not
// cycles.
class DependenceGraph {
 public:
  explicit DependenceGraph(const Cascade& cascade);

  size_t size() const { return preds_.size(); }
  // Einsums whose outputs Einsum `i` reads, ascending.
  const std::vector<size_t>& predecessors(size_t i) const { return preds_[i]; }
  const std::vector<size_t>& successors(size_t i) const { return succs_[i]; }
  // Einsums whose previous-step outputs Einsum `i` reads (loop-carried), ascending.
  const std::vector<size_t>& carried_predecessors(size_t i) const { return carried_[i]; }
  // Einsum `i` reads its own output in the same iteration: a cycle of one.
  bool reads_itself(size_t i) const { return self_[i]; }
  // Another Einsum reads what Einsum `i` writes (in the same iteration or the next).
  bool read_by_others(size_t i) const { return read_by_others_[i]; }

  // Is `read` (an access in some Einsum) a loop-carried read of what `writer` writes?
  static bool is_loop_carried(const Einsum& writer, const Access& read);

  // A cycle as Einsum indices in dependence order, starting at its lowest index; empty if none.
  std::vector<size_t> find_cycle() const;
  // Einsums in an order that respects every edge; among ready Einsums, file order first.
  std::vector<size_t> topological_order() const;

 private:
  std::vector<std::vector<size_t>> preds_, succs_, carried_;
  std::vector<bool> self_, read_by_others_;
};

}  // namespace cascade::workloads
