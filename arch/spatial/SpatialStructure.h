#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "arch/ArchConfig.h"
#include "arch/EvaluationCache.h"
#include "arch/spatial/OperatorLowering.h"
#include "workloads/analysis/OpCountPlan.h"
#include "workloads/analysis/RankSlots.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch {

// What the spatial models (FuseMax, FLAT, unfused) derive from a workload and the structure of a
// config, the same at every rank size and every value of the config's numbers: whether the
// workload is lowered onto the mapping (OperatorLowering.h), the phases with the indices of their
// Einsums and stage groups, each Einsum's unit, its operation kinds with their op_cost entries and
// energies, its buffer operands, and each phase's boundary tensors. PhaseEvaluator computes a point
// from it with arithmetic only. It reads of the config only what key() covers: the mapping, the
// op_cost tables, the names of the energy entries, the config's name and file; an evaluation cache
// (EvaluationCache) keeps it under that key, so it serves every config that differs only in
// numbers (array sizes, clock, bandwidths, energies, buffer sizes, word_bytes).
struct SpatialStructure : EvaluationCache::Entry {
  enum class Unit { None, Array2d, Array1d };

  struct EinsumInfo {
    explicit EinsumInfo(workloads::OpCountPlan plan) : ops(std::move(plan)) {}
    Unit unit = Unit::None;
    int phase = -1;               // in the mapping; -1: in none (an error when evaluated)
    bool staged_unbound = false;  // staged in its phase but bound to no unit (an error when evaluated)
    workloads::OpCountPlan ops;
    size_t first_count = 0;       // where its counts start in PhaseEvaluator's counts, by ops.kinds()
    // Per kind of ops.kinds(): the index of its unit's op_cost for it (-1: none), and the energy
    // keys of that op_cost's actions.
    std::vector<int> op_cost;
    std::vector<std::vector<size_t>> action_energy;
    size_t operands = 0;  // reads of tensors made outside its phase (fetched from the buffer)
  };

  struct Plan {
    int phase = 0;                 // in the mapping
    std::string name;              // the phase's, and the keys of its stats
    std::string utilization_key[2], compute_cycles_key, memory_cycles_key, dram_bytes_key;
    std::vector<size_t> einsums;   // in the cascade, as the phase names them
    std::vector<std::vector<std::vector<size_t>>> stages;  // per stage, per group, its Einsums
    // Tensors crossing the phase's boundary: read from outside, and written for outside (or as a
    // final output); tensor indices in name order.
    std::vector<size_t> reads, writes;
  };

  // One tensor's ranks: rank slot, and whether the position is recurrent (one value more).
  struct TensorInfo {
    std::vector<std::pair<size_t, bool>> ranks;
  };

  // Throws InputError as the models did before any number is used: a workload that cannot be
  // lowered, an Einsum in two phases, a phase naming an Einsum the workload lacks.
  SpatialStructure(const ArchConfig& config, const workloads::Cascade& cascade, AttentionLowering attention);

  // The part of `config` the structure depends on (ArchConfig::structure_key), with the model's
  // name (which decides the lowering): equal keys give equal structures for the same cascade.
  static std::string key(const ArchConfig& config, const std::string& model);

  // The energy key of (component, action): an index into energy_keys.
  size_t energy_key(const std::string& component, const std::string& action);

  std::optional<LoweredWorkload> lowered;  // set: the workload runs lowered, nothing below is filled
  // What a model derives besides, built by the model on first use (FuseMax's query tiling); the
  // key names the model, so only one kind is kept here.
  mutable std::unique_ptr<EvaluationCache::Entry> model_part;
  // Keeps the lowered model's structure of the lowered workload (owned here) between points.
  mutable EvaluationCache lowered_cache;

  workloads::RankSlots slots;
  std::vector<EinsumInfo> einsums;  // by index in the cascade
  size_t count_total = 0;           // counts of all Einsums' kinds
  std::vector<Plan> plans;          // the phases with Einsums of the workload, in mapping order
  std::vector<TensorInfo> tensors;  // by index in the cascade
  // (component, action) of every energy an evaluation looks up, and the config's entry for it
  // (the last one written; -1 when there is none: an error when used).
  std::vector<std::pair<std::string, std::string>> energy_keys;
  std::vector<int> energy_entry;
  size_t regfile_read[2] = {}, regfile_write[2] = {}, buffer_read = 0, buffer_write = 0, dram_read = 0,
         dram_write = 0;  // regfile by unit: [0] array2d, [1] array1d
};

// The structure of `cascade` on `config` for a model whose configs' structures key() gives `key`:
// the one `cache` holds under the key (built and stored when it holds none), or without a cache
// one built into `own`.
const SpatialStructure& spatial_structure(const ArchConfig& config, const std::string& key,
                                          const workloads::Cascade& cascade, AttentionLowering attention,
                                          EvaluationCache* cache, std::unique_ptr<SpatialStructure>& own);

}  // namespace cascade::arch
