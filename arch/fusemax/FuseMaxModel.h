#pragma once

#include "arch/ArchConfig.h"
#include "arch/Model.h"

namespace cascade::arch {

// FuseMax (Nayak et al., MICRO 2024): a 2D PE array and a 1D PE array running the partitioned
// 1-pass attention cascade as a pipeline across Einsums (the mapping's phases and stages), with
// query-stationary tiling that keeps the on-chip buffer independent of sequence length.
// Analytical fidelity: the closed form of the paper's artifact (docs/fusemax-model.md, Sec. 3).
class FuseMaxModel : public Model {
 public:
  explicit FuseMaxModel(const ArchConfig& config) : config_(config) {}
  std::string name() const override { return "fusemax"; }
  sim::Result evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                       Fidelity fidelity) const override;

 private:
  ArchConfig config_;
};

}  // namespace cascade::arch
