#pragma once

#include "arch/ArchConfig.h"
#include "arch/spatial/SpatialModel.h"

namespace cascade::arch {

// FLAT (Kao et al., ASPLOS 2023) as the FuseMax paper evaluates it: QK and AV on the 2D array,
// the 3-pass softmax on the 1D array, fused per head or per row of queries with the score tensors
// on chip, per-point choices (which tensors stay on chip, stationarity, spill) from the config's
// choice table (FlatSpec). The rest of the model (projections, FFN) runs phase by phase on the same
// arrays. Closed forms: docs/fusemax-model.md, Sec. 4 and 7.
class FlatModel : public SpatialModel {
 public:
  explicit FlatModel(ArchConfig config);
  std::string name() const override { return "flat"; }

 protected:
  std::unique_ptr<SpatialModel> with_config(ArchConfig config) const override {
    return std::make_unique<FlatModel>(std::move(config));
  }
  sim::Result evaluate_structure(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                 Fidelity fidelity, const SpatialStructure& structure) const override;
};

}  // namespace cascade::arch
