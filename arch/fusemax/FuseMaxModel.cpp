#include "arch/fusemax/FuseMaxModel.h"

#include "arch/fusemax/QueryTilingTraffic.h"
#include "arch/spatial/PhaseEvaluator.h"

namespace cascade::arch {

sim::Result FuseMaxModel::evaluate(const workloads::Cascade& cascade,
                                   const workloads::RankSizes& sizes, Fidelity fidelity) const {
  if (fidelity != Fidelity::Analytical)
    throw workloads::InputError("--fidelity", {},
                                "model fusemax: the cycle fidelity is not available yet; use "
                                "--fidelity analytical");
  const PhaseEvaluator phases(config_, cascade, sizes);
  sim::Result r = phases.start_result(name(), to_string(fidelity));
  const auto& tiling = config_.proto().mapping().tiling();
  for (const auto& plan : phases.plans()) {
    if (plan.phase->stage_size() == 0)
      config_.fail({{"mapping"}}, "model fusemax: phase '" + plan.phase->name() +
                                      "' needs stages (the pipeline of its Einsums)");
    if (plan.phase->name() != tiling.phase()) {
      phases.run_staged_phase(plan, r);
      continue;
    }
    const PhaseEvaluator::PhaseMark start = PhaseEvaluator::mark(r);
    phases.account_staged(plan, r);
    const QueryTilingPlan t = plan_query_tiling(config_, cascade, sizes, phases, plan);
    r.stats[plan.phase->name() + ".p1"] = static_cast<double>(t.p1);
    r.stats[plan.phase->name() + ".kv_rereads"] = static_cast<double>(t.groups);
    phases.finish_phase(plan.phase->name(), phases.stage_cycles(plan), t.read_bytes, t.write_bytes,
                        start, r);
  }
  return r;
}

}  // namespace cascade::arch
