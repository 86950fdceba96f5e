// Hierarchical event counters of a run, addressed by dotted paths ("fusemax.dram.read_bytes").
//
// Modules record what energy and utilization reports need (accesses, bytes, busy and stall
// cycles) under a prefix their owner chooses, so one registry holds a whole model's counters and
// registries of separate runs merge. Iteration is deterministic: paths are ordered segment by
// segment (a '.' sorts before every other character), so every subtree is contiguous and comes
// right after its root ("a", "a.b", "a.b.c", "a.c", "a-b").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cascade::sim {

class StatsRegistry {
 public:
  using Entry = std::pair<std::string, std::uint64_t>;

  // Adds `amount` to the counter at `path`, creating it at 0 first. Throws std::invalid_argument
  // for a malformed path (empty, or with an empty segment) and std::overflow_error when the sum
  // does not fit in 64 bits (the counter is then unchanged).
  void add(std::string_view path, std::uint64_t amount);

  bool contains(std::string_view path) const;
  // The counter at exactly `path`. Throws std::out_of_range when none was ever added, so a
  // misspelt path fails loudly instead of reading 0.
  std::uint64_t get(std::string_view path) const;
  // The sum of the counter at `path` and every counter below it (0 when there is none). Throws
  // std::overflow_error when the sum does not fit in 64 bits.
  std::uint64_t total(std::string_view path) const;

  // Adds every counter of `other` into this one; with a prefix, under "<prefix>.<path>". An
  // overflow throws as add does, after the counters before it in path order were merged.
  void merge(const StatsRegistry& other);
  void merge(const StatsRegistry& other, std::string_view prefix);

  // Every counter, in path order (see above).
  std::vector<Entry> dump() const;
  std::size_t size() const { return counters_.size(); }

 private:
  struct PathOrder {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };

  std::map<std::string, std::uint64_t, PathOrder> counters_;
};

}  // namespace cascade::sim
