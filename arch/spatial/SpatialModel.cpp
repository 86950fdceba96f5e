#include "arch/spatial/SpatialModel.h"

#include "arch/spatial/AreaModel.h"

namespace cascade::arch {

SpatialModel::SpatialModel(ArchConfig config, const std::string& name, AttentionLowering attention)
    : config_(std::move(config)), structure_key_(SpatialStructure::key(config_, name)),
      area_mm2_(spatial_area_mm2(config_)), attention_(attention) {}

sim::Result SpatialModel::evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                   Fidelity fidelity, EvaluationCache* cache) const {
  std::unique_ptr<SpatialStructure> own;
  const SpatialStructure& structure = spatial_structure(config_, structure_key_, cascade, attention_, cache, own);
  if (!structure.lowered) return evaluate_structure(cascade, sizes, fidelity, structure);
  const auto model =
      with_config(ArchConfig(lowered_config_text(config_, structure.lowered->mapping), structure.lowered->config_file));
  model->set_fast_forward(fast_forward_);
  model->set_timeline(timeline_);
  return evaluate_lowered(*model, *structure.lowered, cascade, sizes, fidelity,
                          cache ? &structure.lowered_cache : nullptr);
}

}  // namespace cascade::arch
