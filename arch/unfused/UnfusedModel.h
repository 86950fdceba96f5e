#pragma once

#include "arch/ArchConfig.h"
#include "arch/spatial/SpatialModel.h"

namespace cascade::arch {

// The unfused baseline of the FuseMax paper: QK, softmax and AV each run to completion, writing
// their outputs to DRAM and reading them back (docs/fusemax-model.md, Sec. 5); the rest of the
// model as FLAT's.
class UnfusedModel : public SpatialModel {
 public:
  explicit UnfusedModel(ArchConfig config);
  std::string name() const override { return "unfused"; }

 protected:
  std::unique_ptr<SpatialModel> with_config(ArchConfig config) const override {
    return std::make_unique<UnfusedModel>(std::move(config));
  }
  sim::Result evaluate_structure(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                 Fidelity fidelity, const SpatialStructure& structure) const override;
};

}  // namespace cascade::arch
