#pragma once

#include <string>
#include <vector>

#include "workloads/analysis/DependenceGraph.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// How many passes over one rank (with its partition parts) a cascade needs, in the sense of the
// FuseMax paper (Nayak et al., MICRO 2024, Sec. 3): an Einsum that iterates over the rank must wait
// for the end of a pass when it reads a value that depends on the whole rank (a full reduction
// over it, or the final step of a recurrence along it), and so starts a new pass. Derived from the
// dependence structure alone: 3 for the straightforward softmax, 2 when the division is deferred,
// 1 with a running maximum.
struct RankPassCount {
  std::string rank;               // the root rank (M for M, M1, M0)
  int passes = 0;                 // 0 if no Einsum iterates over it
  bool reduced = false;           // some Einsum reduces it away or recurs along it
  bool recurs_or_extremum = false;  // some Einsum recurs along it or max/min-reduces it
  std::vector<int> einsum_pass;   // per Einsum: the pass it runs in, 0 if it does not iterate
};

struct PassAnalysis {
  std::vector<RankPassCount> ranks;  // one per root rank, in declaration order
  int passes = 0;                    // the maximum over ranks
  std::string pass_rank;             // the rank with that maximum (ties: most Einsums iterate it)
};

RankPassCount count_passes(const Cascade& cascade, const DependenceGraph& graph,
                           const std::string& root_rank);
PassAnalysis analyze_passes(const Cascade& cascade, const DependenceGraph& graph);

}  // namespace cascade::workloads
