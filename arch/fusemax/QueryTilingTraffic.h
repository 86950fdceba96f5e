#pragma once

#include <string>
#include <utility>
#include <vector>

#include "arch/ArchConfig.h"
#include "arch/spatial/PhaseEvaluator.h"

namespace cascade::arch {

struct QueryTilingPlan {
  uint64_t query_tiles = 0;   // P / query_tile
  uint64_t p1 = 0;            // query tiles kept on chip together
  uint64_t groups = 0;        // query_tiles / p1: how often streamed tensors are re-read
  double read_bytes = 0, write_bytes = 0;
  double chunk_bytes = 0;  // one key chunk of the streamed tensors, for one (batch, head)
};

// FuseMax's tiling rule (artifact proposal.py, docs/fusemax-model.md Sec. 3.4): the buffer holds one
// key chunk of every streamed tensor, and the per-query state of P1 query tiles, P1 the largest
// divisor of P / query_tile that fits. Streamed tensors are re-read once per group of P1 tiles.
// Throws InputError at global_buffer.capacity_bytes if not even one query tile fits.
// The largest divisor of n that is at most `limit` (>= 1), in at most about sqrt(n) steps: n is
// 1 to kMaxQueryTiles (std::invalid_argument otherwise), so that is at most 2^20 steps.
inline constexpr uint64_t kMaxQueryTiles = uint64_t{1} << 40;
uint64_t largest_divisor_at_most(uint64_t n, uint64_t limit);

// What the rule reads of the workload and the mapping alone, kept with the phases' structure
// (SpatialStructure::model_part): the rank slots whose sizes make each per-query and streamed
// tensor's values, and for each DRAM tensor whether the phase reads or writes it.
struct QueryTilingStructure : EvaluationCache::Entry {
  QueryTilingStructure(const ArchConfig& config, const workloads::Cascade& cascade, const PhaseEvaluator& phases,
                       const PhaseEvaluator::PhasePlan& plan);
  std::string missing;  // the first tensor the tiling names that the workload lacks (the rest unset)
  std::vector<std::vector<size_t>> per_query, per_key;
  struct DramTensor {
    size_t tensor;  // in the cascade
    bool input, streamed;
  };
  std::vector<DramTensor> dram;
};

QueryTilingPlan plan_query_tiling(const ArchConfig& config, const workloads::Cascade& cascade,
                                  const workloads::RankSizes& sizes, const PhaseEvaluator& phases,
                                  const PhaseEvaluator::PhasePlan& plan);

}  // namespace cascade::arch
