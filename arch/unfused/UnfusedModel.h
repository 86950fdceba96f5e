#pragma once

#include "arch/ArchConfig.h"
#include "arch/Model.h"

namespace cascade::arch {

// The unfused baseline of the FuseMax paper: QK, softmax and AV each run to completion, writing
// their outputs to DRAM and reading them back (docs/fusemax-model.md, Sec. 5); the rest of the
// model as FLAT's.
class UnfusedModel : public Model {
 public:
  explicit UnfusedModel(ArchConfig config);
  std::string name() const override { return "unfused"; }
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
