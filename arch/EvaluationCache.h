#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "workloads/ir/Cascade.h"

namespace cascade::arch {

// Opaque per-caller cache of what a model derives from a workload independently of rank sizes and
// of the config's numbers; a caller that evaluates many points (a sweep worker) keeps one and passes
// it to every Model::evaluate. Not thread-safe: one per thread. The cascades evaluated with it must
// stay alive and unchanged while it is used.
//
// Models store an entry per (cascade object, key), where the key is everything of the config the
// entry depends on (a spatial model's mapping, op_cost table, energy names, ...): a config that
// differs in any of it builds a new entry, one that differs only in numbers the entry leaves out
// (array sizes, clock, bandwidths, energies, buffer sizes) reuses it. It holds the few most recently
// used entries, so a caller alternating between some configs or workloads keeps them all.
class EvaluationCache {
 public:
  // What a model keeps; each model derives its own and finds it again under a key only it writes.
  class Entry {
   public:
    virtual ~Entry() = default;
  };

  EvaluationCache();
  ~EvaluationCache();
  EvaluationCache(const EvaluationCache&) = delete;
  EvaluationCache& operator=(const EvaluationCache&) = delete;

  // The entry under (cascade, key), built by `build` when there is none; the least recently used
  // entry goes when more than kMaxEntries are held. An exception from `build` stores nothing.
  Entry& find_or_build(const workloads::Cascade& cascade, const std::string& key,
                       const std::function<std::unique_ptr<Entry>()>& build);
  size_t size() const { return slots_.size(); }

  static constexpr size_t kMaxEntries = 8;

 private:
  struct Slot {
    const workloads::Cascade* cascade;
    std::string key;
    std::unique_ptr<Entry> entry;
  };
  std::vector<Slot> slots_;  // most recently used first
};

}  // namespace cascade::arch
