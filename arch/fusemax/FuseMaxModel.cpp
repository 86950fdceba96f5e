#include "arch/fusemax/FuseMaxModel.h"

#include "arch/fusemax/FuseMaxCycleProgram.h"
#include "arch/fusemax/QueryTilingTraffic.h"
#include "arch/spatial/PhaseEvaluator.h"

namespace cascade::arch {

sim::Result FuseMaxModel::evaluate(const workloads::Cascade& cascade,
                                   const workloads::RankSizes& sizes, Fidelity fidelity) const {
  const PhaseEvaluator phases(config_, cascade, sizes);
  sim::Result r = phases.start_result(name(), to_string(fidelity));
  const auto& tiling = config_.proto().mapping().tiling();
  for (const auto& plan : phases.plans()) {
    if (plan.phase->stage_size() == 0)
      config_.fail({{"mapping"}}, "model fusemax: phase '" + plan.phase->name() +
                                      "' needs stages (the pipeline of its Einsums)");
    const bool cycle = fidelity == Fidelity::Cycle;
    if (plan.phase->name() != tiling.phase()) {
      phases.run_staged_phase(plan, r, cycle, fast_forward_);
      continue;
    }
    const PhaseEvaluator::PhaseMark start = PhaseEvaluator::mark(r);
    phases.account_staged(plan, r);
    const QueryTilingPlan t = plan_query_tiling(config_, cascade, sizes, phases, plan);
    r.stats[plan.phase->name() + ".p1"] = static_cast<double>(t.p1);
    r.stats[plan.phase->name() + ".kv_rereads"] = static_cast<double>(t.groups);
    std::optional<uint64_t> simulated;
    if (cycle)
      simulated = PhaseEvaluator::record_simulation(
          plan.phase->name(), fusemax_attention_program(config_, cascade, sizes, phases, plan, t),
          fast_forward_, r);
    phases.finish_phase(plan.phase->name(), phases.stage_cycles(plan), t.read_bytes, t.write_bytes,
                        start, r, simulated);
  }
  return r;
}

}  // namespace cascade::arch
