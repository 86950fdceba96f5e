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
  explicit FuseMaxModel(ArchConfig config);
  std::string name() const override { return "fusemax"; }
  using Model::evaluate;
  sim::Result evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes, Fidelity fidelity,
                       EvaluationCache* cache) const override;
  std::optional<double> area_mm2() const override { return area_mm2_; }

 private:
  ArchConfig config_;
  std::string structure_key_;  // SpatialStructure::key of config_
  double area_mm2_;            // spatial_area_mm2(config_), checked when the model is made
};

}  // namespace cascade::arch
