#include "arch/fusemax/FuseMaxModel.h"

#include "arch/fusemax/FuseMaxCycleProgram.h"
#include "arch/fusemax/QueryTilingTraffic.h"
#include "arch/spatial/OperatorLowering.h"
#include "arch/spatial/PhaseEvaluator.h"
#include "arch/spatial/SpatialStructure.h"

namespace cascade::arch {

FuseMaxModel::FuseMaxModel(ArchConfig config)
    : SpatialModel(std::move(config), "fusemax", AttentionLowering::kFuseMaxCascade) {}

sim::Result FuseMaxModel::evaluate_structure(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                             Fidelity fidelity, const SpatialStructure& structure) const {
  const auto& tiling = config_.proto().mapping().tiling();
  const auto is_tiled = [&](const PhaseEvaluator::PhasePlan& plan) {
    if (plan.phase->stage_size() == 0)
      config_.fail({{"mapping"}}, "model fusemax: phase '" + plan.phase->name() +
                                      "' needs stages (the pipeline of its Einsums)");
    return plan.phase->name() == tiling.phase();
  };
  // The attention: its stages' compute, with the query-stationary tiling's DRAM traffic.
  const auto run_tiled = [&](const PhaseEvaluator& phases, const PhaseEvaluator::PhasePlan& plan,
                             sim::Result& r) {
    const PhaseEvaluator::PhaseMark start = PhaseEvaluator::mark(r);
    phases.account_staged(plan, r);
    const QueryTilingPlan t = plan_query_tiling(config_, cascade, sizes, phases, plan);
    r.stats[plan.phase->name() + ".p1"] = static_cast<double>(t.p1);
    r.stats[plan.phase->name() + ".kv_rereads"] = static_cast<double>(t.groups);
    std::optional<uint64_t> simulated;
    phases.check_phase_cycles(plan.phase->name(), phases.stage_cycles(plan), t.read_bytes, t.write_bytes);
    if (fidelity == Fidelity::Cycle)
      simulated = PhaseEvaluator::record_simulation(
          plan.phase->name(), fusemax_attention_program(config_, cascade, sizes, phases, plan, t),
          fast_forward_, config_.dram_bytes_per_cycle(), r);
    phases.finish_phase(plan, phases.stage_cycles(plan), t.read_bytes, t.write_bytes,
                        start, r, simulated);
  };
  return evaluate_phases(config_, cascade, sizes, structure, name(), fidelity, fast_forward_, is_tiled, run_tiled,
                         timeline_);
}

}  // namespace cascade::arch
