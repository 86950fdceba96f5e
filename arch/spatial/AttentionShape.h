#pragma once

#include <cstdint>
#include <string>

#include "arch/ArchConfig.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch {

// The sizes of an attention problem, read from a bound cascade through the mapping's rank names
// (B, H, M, P, E, F unless renamed). A workload without batch or heads ranks has one of each.
struct AttentionShape {
  uint64_t batch = 1, heads = 1, keys = 0, queries = 0, qk_embed = 0, v_embed = 0;
  std::string keys_rank;  // the workload's name of the keys rank


  uint64_t batch_heads() const { return batch * heads; }
  // Scores: one per (batch, head, key, query).
  double scores() const {
    return static_cast<double>(batch_heads()) * static_cast<double>(keys) *
           static_cast<double>(queries);
  }

  // Throws InputError (naming the config) if a required rank is missing from the workload.
  static AttentionShape from(const ArchConfig& config, const workloads::Cascade& cascade,
                             const workloads::RankSizes& sizes);
};

}  // namespace cascade::arch
