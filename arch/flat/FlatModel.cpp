#include "arch/flat/FlatModel.h"

#include <algorithm>

#include "arch/spatial/AttentionShape.h"
#include "arch/spatial/CyclePrograms.h"
#include "arch/spatial/OperatorLowering.h"
#include "arch/spatial/PhaseEvaluator.h"
#include "arch/spatial/SpatialStructure.h"
#include "arch/spatial/ThreePassAttention.h"

namespace cascade::arch {
namespace {

const config::FlatChoice& find_choice(const ArchConfig& config, const workloads::Cascade& cascade,
                                      uint64_t keys) {
  for (const auto& c : config.proto().flat().choice())
    if (c.workload() == cascade.name && c.seq_len() == keys) return c;
  config.fail({{"flat"}}, "no flat choice for workload '" + cascade.name + "' at M=" +
                                     std::to_string(keys) +
                                     " (FLAT's dataflow choices are made per point: add one)");
}

// FLAT's attention: latency max(DRAM, 2D, 1D) (artifact flat.py), traffic by the closed form of
// docs/fusemax-model.md Sec. 4.3.
void run_flat_attention(const ArchConfig& config, const workloads::Cascade& cascade,
                        const workloads::RankSizes& sizes, const PhaseEvaluator& phases,
                        const PhaseEvaluator::PhasePlan& plan, sim::Result& r, Fidelity fidelity,
                        bool fast_forward) {
  const AttentionShape s = AttentionShape::from(config, cascade, sizes);
  const config::FlatChoice& choice = find_choice(config, cascade, s.keys);
  const auto& a = config.proto();
  const double rows = a.array2d().rows(), cols = a.array2d().cols();
  const double M = static_cast<double>(s.keys), P = static_cast<double>(s.queries),
               E = static_cast<double>(s.qk_embed), F = static_cast<double>(s.v_embed),
               BH = static_cast<double>(s.batch_heads()), n = s.scores(), word = a.word_bytes();
  const double p = choice.proportion_spilled();

  double read = 0, write = 0, onchip_reads = 0, onchip_writes = 0;  // values per (batch, head)
  if (choice.stationarity() == "weight") {
    const double groups = P / static_cast<double>(choice.p1());
    read = P * E + M * E * groups + M * F * groups + 2 * M * P;  // QK and A read back
    write = P * F + 2 * M * P;                                   // QK and A written out
  } else {
    // Off-chip operands are re-streamed for every block of the array's rows.
    read = P * E * (choice.q_onchip() ? 1 : M / rows) + M * E * (choice.k_onchip() ? 1 : P / rows) +
           M * F * (choice.v_onchip() ? 1 : P / rows);
    write = P * F;
    if (choice.qk_onchip()) {
      // Seven accesses per score to the on-chip score tensors: QK, SN and A written once each;
      // QK read by the max and by SN, SN by the division, A by AV. The spilled fraction goes to DRAM.
      read += 4 * p * M * P;
      write += 3 * p * M * P;
      onchip_reads = 4 * (1 - p) * M * P;
      onchip_writes = 3 * (1 - p) * M * P;
    }
  }
  const PhaseEvaluator::PhaseMark start = PhaseEvaluator::mark(r);
  account_three_pass_attention(s, phases, config, r);
  const double line = a.global_buffer().line_bytes();
  r.add_energy("global_buffer", "read", BH * onchip_reads * word / line,
               phases.energy().pj("global_buffer", "read"));
  r.add_energy("global_buffer", "write", BH * onchip_writes * word / line,
               phases.energy().pj("global_buffer", "write"));
  r.traffic_bytes[{"global_buffer", "read"}] += BH * onchip_reads * word;
  r.traffic_bytes[{"global_buffer", "write"}] += BH * onchip_writes * word;

  // QK uses the whole array; an output-stationary AV spreads F over the columns (FLAT's mapping).
  const double qk_cycles = n * E / (rows * cols);
  const double av_cols = choice.stationarity() == "weight" ? cols : std::min(cols, F);
  const double av_cycles = n * F / (rows * av_cols);
  const double softmax_cycles = three_pass_softmax_cycles(s, config);
  r.busy_cycles["array2d"] += n * (E + F) / (rows * cols);  // MAC-equivalent busy time
  r.busy_cycles["array1d"] += softmax_cycles;
  const std::string name = plan.phase->name();
  r.stats[name + ".qk_cycles"] = qk_cycles;
  r.stats[name + ".av_cycles"] = av_cycles;
  r.stats[name + ".softmax_cycles"] = softmax_cycles;
  std::optional<uint64_t> simulated;
  phases.check_phase_cycles(name, std::max(qk_cycles + av_cycles, softmax_cycles), BH * read * word, BH * write * word);
  if (fidelity == Fidelity::Cycle) {
    // One fusion unit per round: a head, or a group of P1 query rows of a head.
    FusedAttentionSpec spec;
    spec.rounds = s.batch_heads() * std::max<uint64_t>(1, s.queries / std::max<uint64_t>(1, choice.p1()));
    spec.qk_cycles = qk_cycles;
    spec.softmax_cycles = softmax_cycles;
    spec.av_cycles = av_cycles;
    spec.read_bytes = BH * read * word;
    spec.write_bytes = BH * write * word;
    simulated = PhaseEvaluator::record_simulation(
        name, fused_attention_program(spec, config.dram_bytes_per_cycle()), fast_forward,
        config.dram_bytes_per_cycle(), r);
  }
  phases.finish_phase(plan, std::max(qk_cycles + av_cycles, softmax_cycles), BH * read * word,
                      BH * write * word, start, r, simulated);
}

}  // namespace

FlatModel::FlatModel(ArchConfig config)
    : SpatialModel(std::move(config), "flat", AttentionLowering::kAsWritten) {}

sim::Result FlatModel::evaluate_structure(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                          Fidelity fidelity, const SpatialStructure& structure) const {
  return evaluate_phases(
      config_, cascade, sizes, structure, name(), fidelity, fast_forward_,
      [](const auto& plan) { return plan.phase->stage_size() == 0; },
      [&](const PhaseEvaluator& phases, const PhaseEvaluator::PhasePlan& plan, sim::Result& r) {
        run_flat_attention(config_, cascade, sizes, phases, plan, r, fidelity, fast_forward_);
      },
      timeline_);
}

}  // namespace cascade::arch
