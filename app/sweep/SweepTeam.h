#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cascade::app {

// The processes that share a sweep's points (MPI ranks), or this process alone. Rank 0 reads and
// writes the results files; every batch of points is split among the ranks in rank order and
// their rows come back to rank 0 in that order, so the file is the same at any number of ranks.
class SweepTeam {
 public:
  virtual ~SweepTeam() = default;
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }
  // Rank 0's `values` on every rank.
  virtual void broadcast(std::vector<uint64_t>& values) { (void)values; }
  // Every rank's `part`, on rank 0 in rank order; on the other ranks, nothing.
  virtual std::vector<std::string> gather(const std::string& part) { return {part}; }
};

}  // namespace cascade::app
