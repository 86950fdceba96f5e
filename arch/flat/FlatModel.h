#pragma once

#include "arch/ArchConfig.h"
#include "arch/Model.h"

namespace cascade::arch {

// FLAT (Kao et al., ASPLOS 2023) as the FuseMax paper evaluates it: QK and AV on the 2D array,
// the 3-pass softmax on the 1D array, fused per head or per row of queries with the score tensors
// on chip, per-point choices (which tensors stay on chip, stationarity, spill) from the config's
// choice table (FlatSpec). The rest of the model (projections, FFN) runs phase by phase on the same
// arrays. Closed forms: docs/fusemax-model.md, Sec. 4 and 7.
class FlatModel : public Model {
 public:
  explicit FlatModel(ArchConfig config);
  std::string name() const override { return "flat"; }
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
