#pragma once

#include "arch/ArchConfig.h"
#include "arch/spatial/SpatialModel.h"

namespace cascade::arch {

// FuseMax (Nayak et al., MICRO 2024): a 2D PE array and a 1D PE array running the partitioned
// 1-pass attention cascade as a pipeline across Einsums (the mapping's phases and stages), with
// query-stationary tiling that keeps the on-chip buffer independent of sequence length.
// Analytical fidelity: the closed form of the paper's artifact (docs/fusemax-model.md, Sec. 3).
class FuseMaxModel : public SpatialModel {
 public:
  explicit FuseMaxModel(ArchConfig config);
  std::string name() const override { return "fusemax"; }

 protected:
  std::unique_ptr<SpatialModel> with_config(ArchConfig config) const override {
    return std::make_unique<FuseMaxModel>(std::move(config));
  }
  sim::Result evaluate_structure(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                 Fidelity fidelity, const SpatialStructure& structure) const override;
};

}  // namespace cascade::arch
