#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::workloads {

// Operation counts by kind ("mac", "add", "sub", "mul", "div", "max", "min", "exp", ...), kept in
// one fixed order so reports and comparisons do not depend on insertion order.
// Counts never wrap: a sum past 2^64 is an InputError naming `file` (the workload's, whose rank
// sizes made it so).
class OpCounts {
 public:
  explicit OpCounts(std::string file = {}) : file_(std::move(file)) {}
  void add(const std::string& kind, uint64_t count);
  uint64_t of(const std::string& kind) const;
  uint64_t total() const;
  const std::vector<std::pair<std::string, uint64_t>>& entries() const { return entries_; }
  OpCounts& operator+=(const OpCounts& o);

 private:
  std::string file_;
  std::vector<std::pair<std::string, uint64_t>> entries_;
};

// The number of points of an Einsum's iteration space: the product of the sizes of its index
// variables.
uint64_t iteration_points(const Einsum& e, const Cascade& c, const RankSizes& sizes);

// Counts the operations of one Einsum (docs/workload-syntax.md, "Counting"):
//  - a sum reduction of a product is one multiply-accumulate ("mac") per iteration point;
//  - any other reduction is one add/max/min per iteration point;
//  - every other operator or function counts once per point of the index variables below it (a
//    sub-expression that does not vary with a rank is not recomputed along it);
//  - a gathered read (G[l, H[n,l,c], f]) counts one "gather" per point of its variables.
OpCounts count_ops(const Einsum& e, const Cascade& c, const RankSizes& sizes);

}  // namespace cascade::workloads
