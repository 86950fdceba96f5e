#include "arch/unfused/UnfusedModel.h"

#include <algorithm>

#include "arch/spatial/AttentionShape.h"
#include "arch/spatial/CyclePrograms.h"
#include "arch/spatial/OperatorLowering.h"
#include "arch/spatial/PhaseEvaluator.h"
#include "arch/spatial/SpatialStructure.h"
#include "arch/spatial/ThreePassAttention.h"

namespace cascade::arch {
namespace {

// QK, the softmax and AV one after another, each max(DRAM, compute) with every tensor through
// DRAM (artifact unfused.py; docs/fusemax-model.md Sec. 5).
void run_unfused_attention(const ArchConfig& config, const workloads::Cascade& cascade,
                           const workloads::RankSizes& sizes, const PhaseEvaluator& phases,
                           const PhaseEvaluator::PhasePlan& plan, sim::Result& r, Fidelity fidelity,
                           bool fast_forward) {
  const AttentionShape s = AttentionShape::from(config, cascade, sizes);
  const auto& a = config.proto();
  const double M = static_cast<double>(s.keys), P = static_cast<double>(s.queries),
               E = static_cast<double>(s.qk_embed), F = static_cast<double>(s.v_embed),
               BH = static_cast<double>(s.batch_heads()), n = s.scores(), word = a.word_bytes();
  const double pes2d = static_cast<double>(a.array2d().rows()) * a.array2d().cols();
  const double bpc = config.dram_bytes_per_cycle();
  struct Step {
    const char* name;
    int unit;
    double read, write, compute, outputs;
  };
  const double pes1d = static_cast<double>(a.array1d().rows()) * a.array1d().cols();
  const Step steps[] = {
      {"QK", kArray2d, BH * (P * E + M * E) * word, BH * M * P * word, n * E / pes2d, n / pes2d},
      {"softmax", kArray1d, BH * M * P * word, BH * M * P * word,
       three_pass_softmax_cycles(s, config), n / pes1d},
      {"AV", kArray2d, BH * (M * P + M * F) * word, BH * P * F * word, n * F / pes2d, n / pes2d},
  };
  double cycles = 0, read = 0, write = 0;
  uint64_t simulated_cycles = 0;
  for (const auto& step : steps) {
    phases.check_phase_cycles(plan.phase->name() + "." + step.name, step.compute, step.read, step.write);
    cycles += std::max(step.compute, (step.read + step.write) / bpc);
    read += step.read;
    write += step.write;
    if (fidelity == Fidelity::Cycle)
      simulated_cycles += PhaseEvaluator::record_simulation(
          plan.phase->name() + "." + step.name,
          streamed_program({{{step.name, step.unit, step.compute}}},
                           round_count_for(share(step.outputs, 1),
                                           std::max(step.compute, (step.read + step.write) / bpc)),
                           step.read, step.write, bpc),
          fast_forward, bpc, r, simulated_cycles, plan.phase->name());
  }
  const PhaseEvaluator::PhaseMark start = PhaseEvaluator::mark(r);
  account_three_pass_attention(s, phases, config, r);
  r.busy_cycles["array2d"] += steps[0].compute + steps[2].compute;
  r.busy_cycles["array1d"] += steps[1].compute;
  // Each step is bounded on its own, so the phase's latency is their sum, not max(compute, memory).
  std::optional<uint64_t> simulated;
  if (fidelity == Fidelity::Cycle) simulated = simulated_cycles;
  phases.finish_phase(plan, cycles, read, write, start, r, simulated);
}

}  // namespace

UnfusedModel::UnfusedModel(ArchConfig config)
    : SpatialModel(std::move(config), "unfused", AttentionLowering::kAsWritten) {}

sim::Result UnfusedModel::evaluate_structure(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                             Fidelity fidelity, const SpatialStructure& structure) const {
  return evaluate_phases(
      config_, cascade, sizes, structure, name(), fidelity, fast_forward_,
      [](const auto& plan) { return plan.phase->stage_size() == 0; },
      [&](const PhaseEvaluator& phases, const PhaseEvaluator::PhasePlan& plan, sim::Result& r) {
        run_unfused_attention(config_, cascade, sizes, phases, plan, r, fidelity, fast_forward_);
      },
      timeline_);
}

}  // namespace cascade::arch
