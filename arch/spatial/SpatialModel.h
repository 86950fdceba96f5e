#pragma once

#include <memory>
#include <optional>
#include <string>

#include "arch/ArchConfig.h"
#include "arch/Model.h"
#include "arch/spatial/OperatorLowering.h"
#include "arch/spatial/SpatialStructure.h"

namespace cascade::arch {

// What the spatial-array models (FuseMax, FLAT, unfused) share: their config, the key under which
// an evaluation cache keeps a workload's structure for them (SpatialStructure::key), the area of
// the arrays and buffer (AreaModel.h, checked when the model is made), and the evaluation of a
// workload grouped into operators: lowered onto the mapping (OperatorLowering.h) and evaluated by a
// model of the same kind on the lowered config.
class SpatialModel : public Model {
 public:
  using Model::evaluate;
  sim::Result evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes, Fidelity fidelity,
                       EvaluationCache* cache) const final;
  std::optional<double> area_mm2() const override { return area_mm2_; }

 protected:
  // `name`: the model's, part of the structure key; `attention`: how the model lowers attention.
  SpatialModel(ArchConfig config, const std::string& name, AttentionLowering attention);

  // A model of the same kind on another config (the lowered one).
  virtual std::unique_ptr<SpatialModel> with_config(ArchConfig config) const = 0;
  // The evaluation of a workload that needs no lowering, from its structure.
  virtual sim::Result evaluate_structure(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                         Fidelity fidelity, const SpatialStructure& structure) const = 0;

  ArchConfig config_;
  std::string structure_key_;
  double area_mm2_;

 private:
  AttentionLowering attention_;
};

}  // namespace cascade::arch
