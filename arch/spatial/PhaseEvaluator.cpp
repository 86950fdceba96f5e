#include "arch/spatial/PhaseEvaluator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "arch/spatial/CyclePrograms.h"
#include "base/Format.h"
#include "sim/engine/RoundPipelineSim.h"

namespace cascade::arch {
std::vector<std::string> split_names(const std::string& group) {
  std::istringstream in(group);
  std::vector<std::string> names;
  for (std::string n; in >> n;) names.push_back(n);
  return names;
}

std::vector<std::string> phase_einsum_names(const config::Phase& phase) {
  std::vector<std::string> names(phase.einsums().begin(), phase.einsums().end());
  for (const auto& stage : phase.stage())
    for (const auto& group : stage.group())
      for (auto& n : split_names(group)) names.push_back(n);
  return names;
}

PhaseEvaluator::PhaseEvaluator(const ArchConfig& config, const workloads::Cascade& cascade,
                               const workloads::RankSizes& sizes)
    : config_(config),
      cascade_(cascade),
      sizes_(sizes),
      energy_(config),
      units_(cascade.einsums.size()),
      ops_(cascade.einsums.size()),
      points_(cascade.einsums.size()) {
  const auto& mapping = config.proto().mapping();
  for (const auto& b : mapping.binding()) {
    const int i = cascade.writer_of(b.einsum());
    if (i >= 0) units_[static_cast<size_t>(i)] = ArchConfig::unit_name(b.unit());
  }
  std::vector<int> phase_of(cascade.einsums.size(), -1);
  for (int p = 0; p < mapping.phase_size(); ++p) {
    const auto& phase = mapping.phase(p);
    PhasePlan plan;
    plan.phase = &phase;
    std::vector<std::string> absent;
    for (const auto& name : phase_einsum_names(phase)) {
      const int i = cascade.writer_of(name);
      if (i < 0) {
        absent.push_back(name);
        continue;
      }
      if (phase_of[static_cast<size_t>(i)] >= 0)
        config.fail({{"mapping"}, {"phase", p}},
                    "mapping: Einsum '" + name + "' is in two phases ('" +
                        mapping.phase(phase_of[static_cast<size_t>(i)]).name() + "' and '" +
                        phase.name() + "')");
      phase_of[static_cast<size_t>(i)] = p;
      plan.einsums.push_back(static_cast<size_t>(i));
    }
    // A phase the workload has none of (an attention-only workload has no FFN) is skipped; one it
    // has only part of is a mistake.
    if (plan.einsums.empty()) continue;
    if (!absent.empty())
      config.fail({{"mapping"}, {"phase", p}},
                  "mapping phase '" + phase.name() + "' names Einsum '" + absent.front() +
                      "', which the workload '" + cascade.name + "' does not have");
    plans_.push_back(plan);
  }
  for (size_t i = 0; i < cascade.einsums.size(); ++i) {
    const auto& name = cascade.einsums[i].output.tensor;
    if (phase_of[i] < 0)
      config.fail({{"mapping"}}, "mapping: Einsum '" + name + "' of the workload '" + cascade.name +
                                     "' is in no phase");
    ops_[i] = workloads::count_ops(cascade.einsums[i], cascade, sizes);
    points_[i] = static_cast<double>(workloads::iteration_points(cascade.einsums[i], cascade, sizes));
    const auto& phase = mapping.phase(phase_of[i]);
    if (phase.stage_size() > 0 && units_[i].empty())
      config.fail({{"mapping"}, {"phase", phase_of[i]}},
                  "mapping: Einsum '" + name + "' is staged in phase '" + phase.name() +
                      "' but bound to no unit (add a binding)");
  }
}

const config::PeArray& PhaseEvaluator::array(const std::string& unit) const {
  return unit == "array2d" ? config_.proto().array2d() : config_.proto().array1d();
}

const config::OpCost& PhaseEvaluator::op_cost(const std::string& unit, const std::string& op,
                                              size_t einsum) const {
  for (const auto& c : array(unit).op_cost())
    if (c.op() == op) return c;
  config_.fail({{unit.c_str()}}, unit + " has no op_cost for '" + op + "' (Einsum '" +
                                     cascade_.einsums[einsum].output.tensor + "' is bound to it)");
}

double PhaseEvaluator::busy_cycles(size_t einsum) const {
  const std::string& unit = units_[einsum];
  if (unit.empty()) return 0;
  const auto& pe = array(unit);
  double cycles = 0;
  for (const auto& [kind, count] : ops_[einsum].entries())
    cycles += static_cast<double>(count) * op_cost(unit, kind, einsum).cycles();
  return cycles / (static_cast<double>(pe.rows()) * pe.cols());
}

double PhaseEvaluator::stage_cycles(const PhasePlan& plan) const {
  double total = 0;
  for (const auto& stage : plan.phase->stage()) {
    double longest = 0;
    for (const auto& group : stage.group()) {
      double sum = 0;
      for (const auto& name : split_names(group))
        sum += busy_cycles(static_cast<size_t>(cascade_.writer_of(name)));
      longest = std::max(longest, sum);
    }
    total += longest;
  }
  return total;
}

double PhaseEvaluator::tensor_bytes(const std::string& name) const {
  return workloads::tensor_elements(cascade_, name, sizes_) * config_.proto().word_bytes();
}

bool PhaseEvaluator::is_phase_input(const PhasePlan& plan, const std::string& tensor) const {
  const int w = cascade_.writer_of(tensor);
  return w < 0 || std::find(plan.einsums.begin(), plan.einsums.end(), static_cast<size_t>(w)) ==
                      plan.einsums.end();
}

std::pair<double, double> PhaseEvaluator::boundary_traffic(const PhasePlan& plan) const {
  std::map<std::string, bool> read, written;
  for (size_t i : plan.einsums) {
    std::vector<const workloads::Access*> reads;
    cascade_.einsums[i].rhs->collect_accesses(reads);
    for (const auto* a : reads)
      if (is_phase_input(plan, a->tensor)) read[a->tensor] = true;
  }
  // An output leaves the phase if some Einsum outside reads it, or nobody does (a final output).
  for (size_t i : plan.einsums) {
    const std::string& out = cascade_.einsums[i].output.tensor;
    bool read_inside_only = false, read_outside = false;
    for (size_t j = 0; j < cascade_.einsums.size(); ++j) {
      std::vector<const workloads::Access*> reads;
      cascade_.einsums[j].rhs->collect_accesses(reads);
      for (const auto* a : reads) {
        if (a->tensor != out || j == i) continue;
        const bool inside =
            std::find(plan.einsums.begin(), plan.einsums.end(), j) != plan.einsums.end();
        (inside ? read_inside_only : read_outside) = true;
      }
    }
    if (read_outside || !read_inside_only) written[out] = true;
  }
  double r = 0, w = 0;
  for (const auto& [t, _] : read) r += tensor_bytes(t);
  for (const auto& [t, _] : written) w += tensor_bytes(t);
  return {r, w};
}

void PhaseEvaluator::account_einsum(size_t i, const PhasePlan& plan, sim::Result& result) const {
  const std::string& unit = units_[i];
  if (unit.empty()) return;
  const std::string regfile = unit == "array2d" ? "regfile2d" : "regfile1d";
  double actions = 0;
  for (const auto& [kind, count] : ops_[i].entries())
    for (const auto& action : op_cost(unit, kind, i).actions()) {
      const double n = static_cast<double>(count) * action.count();
      result.add_energy(unit, action.action(), n, energy_.pj(unit, action.action()));
      actions += n;
    }
  // Each functional-unit action reads an operand from and writes a result to its PE's registers
  // (the other operand arrives over the array's links).
  result.add_energy(regfile, "read", actions, energy_.pj(regfile, "read"));
  result.add_energy(regfile, "write", actions, energy_.pj(regfile, "write"));
  result.busy_cycles[unit] += busy_cycles(i);

  // Operands that come from the buffer (produced outside the phase) are fetched once per row or
  // column of the array that reuses them; values made inside the phase stay in the PEs.
  const auto& pe = array(unit);
  std::vector<const workloads::Access*> reads;
  cascade_.einsums[i].rhs->collect_accesses(reads);
  double bytes = 0;
  int operand = 0;
  for (const auto* a : reads) {
    if (!is_phase_input(plan, a->tensor)) continue;
    const double reuse = unit == "array2d" ? (operand++ % 2 == 0 ? pe.rows() : pe.cols()) : 1.0;
    bytes += points_[i] * config_.proto().word_bytes() / reuse;
  }
  const double line = config_.proto().global_buffer().line_bytes();
  result.add_energy("global_buffer", "read", bytes / line, energy_.pj("global_buffer", "read"));
  result.traffic_bytes[{"global_buffer", "read"}] += bytes;
}

void PhaseEvaluator::account_dram(double read_bytes, double write_bytes, sim::Result& result) const {
  result.add_energy("dram", "read", read_bytes, energy_.pj("dram", "read"));
  result.add_energy("dram", "write", write_bytes, energy_.pj("dram", "write"));
  result.traffic_bytes[{"dram", "read"}] += read_bytes;
  result.traffic_bytes[{"dram", "write"}] += write_bytes;
  // Every DRAM byte lands in (or leaves from) the global buffer: a write on arrival, and on
  // departure the array's write plus the read towards DRAM.
  const double line = config_.proto().global_buffer().line_bytes();
  const double writes = read_bytes + write_bytes, reads = write_bytes;
  result.add_energy("global_buffer", "write", writes / line, energy_.pj("global_buffer", "write"));
  result.add_energy("global_buffer", "read", reads / line, energy_.pj("global_buffer", "read"));
  result.traffic_bytes[{"global_buffer", "write"}] += writes;
  result.traffic_bytes[{"global_buffer", "read"}] += reads;
}

void PhaseEvaluator::account_staged(const PhasePlan& plan, sim::Result& result) const {
  for (size_t i : plan.einsums) account_einsum(i, plan, result);
}

void PhaseEvaluator::check_phase_cycles(const std::string& name, double compute_cycles, double read_bytes,
                                        double write_bytes) const {
  const double memory_cycles = (read_bytes + write_bytes) / config_.dram_bytes_per_cycle();
  const double longest = std::max(compute_cycles, memory_cycles);
  if (!(longest <= kMaxPhaseCycles))
    config_.fail({}, "phase '" + name + "' would take " + base::format("%.4g", longest) + " cycles (" +
                         (compute_cycles >= memory_cycles ? "compute" : "DRAM traffic") +
                         "), more than 2^50: the config's rates (PE arrays, clock_hz, "
                         "dram.bandwidth_bytes_per_second) are far too low for this workload");
}

uint64_t PhaseEvaluator::finish_phase(const std::string& name, double compute_cycles,
                                      double read_bytes, double write_bytes, const PhaseMark& start,
                                      sim::Result& result,
                                      std::optional<uint64_t> simulated_cycles) const {
  check_phase_cycles(name, compute_cycles, read_bytes, write_bytes);
  account_dram(read_bytes, write_bytes, result);
  const double memory_cycles = (read_bytes + write_bytes) / config_.dram_bytes_per_cycle();
  const auto cycles = simulated_cycles ? *simulated_cycles
                                       : static_cast<uint64_t>(std::ceil(std::max(compute_cycles, memory_cycles)));
  result.phases[name] = {cycles, result.total_energy_pj() - start.energy_pj};
  for (const auto& [unit, busy] : result.busy_cycles) {
    const auto before = start.busy_cycles.find(unit);
    const double own = busy - (before == start.busy_cycles.end() ? 0 : before->second);
    result.stats[name + ".utilization." + unit] = cycles ? own / static_cast<double>(cycles) : 0;
  }
  result.stats[name + ".compute_cycles"] = compute_cycles;
  result.stats[name + ".memory_cycles"] = memory_cycles;
  result.stats[name + ".dram_bytes"] = read_bytes + write_bytes;
  result.cycles += cycles;
  return cycles;
}

uint64_t PhaseEvaluator::run_staged_phase(const PhasePlan& plan, sim::Result& result, Fidelity fidelity,
                                          bool fast_forward) const {
  const PhaseMark start = mark(result);
  account_staged(plan, result);
  const auto [read, write] = boundary_traffic(plan);
  std::optional<uint64_t> simulated;
  check_phase_cycles(plan.phase->name(), stage_cycles(plan), read, write);
  if (fidelity == Fidelity::Cycle) simulated = simulate_staged(plan, read, write, fast_forward, result);
  return finish_phase(plan.phase->name(), stage_cycles(plan), read, write, start, result, simulated);
}

uint64_t PhaseEvaluator::phase_tiles(const PhasePlan& plan) const {
  uint64_t tiles = 1;
  for (size_t i : plan.einsums) {
    if (units_[i].empty()) continue;
    const auto& pe = array(units_[i]);
    const double outputs = tensor_bytes(cascade_.einsums[i].output.tensor) / config_.proto().word_bytes();
    tiles = std::max(tiles, share(outputs, static_cast<uint64_t>(pe.rows()) * pe.cols()));
  }
  return tiles;
}

uint64_t PhaseEvaluator::simulate_staged(const PhasePlan& plan, double read_bytes,
                                         double write_bytes, bool fast_forward,
                                         sim::Result& result) const {
  std::vector<std::vector<TaskSpec>> stages;
  for (const auto& stage : plan.phase->stage()) {
    auto& specs = stages.emplace_back();
    for (const auto& group : stage.group()) {
      TaskSpec spec;
      spec.name = group;
      for (const auto& name : split_names(group)) {
        const auto i = static_cast<size_t>(cascade_.writer_of(name));
        spec.unit = spatial_unit(units_[i]);
        spec.total_cycles += busy_cycles(i);
      }
      specs.push_back(spec);
    }
  }
  const double analytical = std::max(stage_cycles(plan),
                                     (read_bytes + write_bytes) / config_.dram_bytes_per_cycle());
  const auto program = streamed_program(stages, round_count_for(phase_tiles(plan), analytical),
                                        read_bytes, write_bytes, config_.dram_bytes_per_cycle());
  return record_simulation(plan.phase->name(), program, fast_forward, result);
}

uint64_t PhaseEvaluator::record_simulation(const std::string& phase, const sim::RoundProgram& program,
                                           bool fast_forward, sim::Result& result) {
  const sim::RoundPipelineStats stats = sim::simulate_round_pipeline(program, {fast_forward});
  result.stats[phase + ".rounds"] = static_cast<double>(stats.rounds);
  result.stats[phase + ".rounds_simulated"] = static_cast<double>(stats.rounds_simulated);
  result.stats[phase + ".tasks_simulated"] = static_cast<double>(stats.tasks_simulated);
  return stats.cycles;
}

sim::Result PhaseEvaluator::start_result(const std::string& model, const std::string& fidelity) const {
  sim::Result r;
  r.model = model;
  r.arch = config_.proto().name();
  r.workload = cascade_.name;
  r.fidelity = fidelity;
  r.rank_sizes = sizes_.all();
  r.clock_hz = config_.proto().clock_hz();
  // Every unit appears in the record, busy or not.
  r.busy_cycles["array2d"] = 0;
  r.busy_cycles["array1d"] = 0;
  return r;
}

sim::Result evaluate_phases(const ArchConfig& config, const workloads::Cascade& cascade,
                            const workloads::RankSizes& sizes, const std::string& model,
                            Fidelity fidelity, bool fast_forward,
                            const std::function<bool(const PhaseEvaluator::PhasePlan&)>& is_own,
                            const OwnPhase& own_phase) {
  const PhaseEvaluator phases(config, cascade, sizes);
  sim::Result r = phases.start_result(model, to_string(fidelity));
  for (const auto& plan : phases.plans()) {
    if (is_own(plan))
      own_phase(phases, plan, r);
    else
      phases.run_staged_phase(plan, r, fidelity, fast_forward);
  }
  return r;
}

}  // namespace cascade::arch
