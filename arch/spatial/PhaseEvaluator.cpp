#include "arch/spatial/PhaseEvaluator.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "arch/spatial/CyclePrograms.h"
#include "base/Format.h"
#include "sim/engine/RoundPipelineSim.h"

namespace cascade::arch {
namespace {

const std::string kUnitNames[3] = {"", "array2d", "array1d"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

}  // namespace

std::vector<std::string> split_names(const std::string& group) {
  std::vector<std::string> names;
  size_t i = 0;
  while (i < group.size()) {
    while (i < group.size() && is_space(group[i])) ++i;
    const size_t start = i;
    while (i < group.size() && !is_space(group[i])) ++i;
    if (i > start) names.emplace_back(group, start, i - start);
  }
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
                               const workloads::RankSizes& sizes, const SpatialStructure& structure)
    : config_(config),
      cascade_(cascade),
      sizes_(sizes),
      structure_(structure),
      energy_(config),
      counts_(structure.count_total),
      points_(cascade.einsums.size()) {
  const auto& mapping = config.proto().mapping();
  structure.slots.read(sizes, ranks_);
  plans_.reserve(structure.plans.size());
  for (const auto& plan : structure.plans) plans_.push_back({&mapping.phase(plan.phase), &plan});
  for (size_t i = 0; i < cascade.einsums.size(); ++i) {
    const SpatialStructure::EinsumInfo& info = structure.einsums[i];
    const auto& name = cascade.einsums[i].output.tensor;
    if (info.phase < 0)
      config.fail({{"mapping"}}, "mapping: Einsum '" + name + "' of the workload '" + cascade.name +
                                     "' is in no phase");
    points_[i] = static_cast<double>(info.ops.count(ranks_, counts_.data() + info.first_count));
    if (info.staged_unbound)
      config.fail({{"mapping"}, {"phase", info.phase}},
                  "mapping: Einsum '" + name + "' is staged in phase '" + mapping.phase(info.phase).name() +
                      "' but bound to no unit (add a binding)");
  }
}

const std::string& PhaseEvaluator::unit_of(size_t einsum) const {
  return kUnitNames[static_cast<size_t>(structure_.einsums[einsum].unit)];
}

const config::PeArray& PhaseEvaluator::array(SpatialStructure::Unit unit) const {
  return unit == SpatialStructure::Unit::Array2d ? config_.proto().array2d() : config_.proto().array1d();
}

const config::OpCost& PhaseEvaluator::op_cost(size_t einsum, size_t k) const {
  const SpatialStructure::EinsumInfo& info = structure_.einsums[einsum];
  const int c = info.op_cost[k];
  if (c < 0) {
    const std::string& unit = unit_of(einsum);
    config_.fail({{unit.c_str()}}, unit + " has no op_cost for '" + info.ops.kinds()[k] + "' (Einsum '" +
                                       cascade_.einsums[einsum].output.tensor + "' is bound to it)");
  }
  return array(info.unit).op_cost(c);
}

double PhaseEvaluator::pj(size_t key) const {
  const int entry = structure_.energy_entry[key];
  if (entry < 0) {
    const auto& [component, action] = structure_.energy_keys[key];
    config_.fail({}, "missing field 'energy' for component '" + component + "' action '" + action + "'");
  }
  return config_.proto().energy(entry).picojoules();
}

PhaseEvaluator::Slots& PhaseEvaluator::slots(sim::Result& result) const {
  if (slots_.result != &result) {
    slots_.result = &result;
    slots_.energy.assign(structure_.energy_keys.size(), {nullptr, nullptr});
    for (double*& t : slots_.traffic) t = nullptr;
    for (double*& b : slots_.busy) b = nullptr;
  }
  return slots_;
}

void PhaseEvaluator::add_energy(size_t key, double count, sim::Result& result) const {
  const double each = pj(key);
  auto& [counted, energy] = slots(result).energy[key];
  if (!counted) {
    const sim::Result::Key k = structure_.energy_keys[key];
    counted = &result.action_counts[k];
    energy = &result.energy_pj[k];
  }
  // As sim::Result::add_energy adds them.
  *counted += count;
  *energy += count * each;
}

double& PhaseEvaluator::traffic(TrafficKey key, sim::Result& result) const {
  double*& slot = slots(result).traffic[key];
  if (!slot) {
    static const sim::Result::Key kKeys[] = {
        {"dram", "read"}, {"dram", "write"}, {"global_buffer", "read"}, {"global_buffer", "write"}};
    slot = &result.traffic_bytes[kKeys[key]];
  }
  return *slot;
}

double& PhaseEvaluator::busy(SpatialStructure::Unit unit, sim::Result& result) const {
  const size_t u = unit == SpatialStructure::Unit::Array2d ? 0 : 1;
  double*& slot = slots(result).busy[u];
  if (!slot) slot = &result.busy_cycles[kUnitNames[u + 1]];
  return *slot;
}

double PhaseEvaluator::busy_cycles(size_t einsum) const {
  const SpatialStructure::EinsumInfo& info = structure_.einsums[einsum];
  if (info.unit == SpatialStructure::Unit::None) return 0;
  const auto& pe = array(info.unit);
  const uint64_t* counts = counts_.data() + info.first_count;
  double cycles = 0;
  for (size_t k = 0; k < info.ops.kinds().size(); ++k)
    cycles += static_cast<double>(counts[k]) * op_cost(einsum, k).cycles();
  return cycles / (static_cast<double>(pe.rows()) * pe.cols());
}

double PhaseEvaluator::operations(size_t einsum) const {
  const SpatialStructure::EinsumInfo& info = structure_.einsums[einsum];
  if (info.unit == SpatialStructure::Unit::None) return 0;
  const uint64_t* counts = counts_.data() + info.first_count;
  double ops = 0;
  for (size_t k = 0; k < info.ops.kinds().size(); ++k) ops += static_cast<double>(counts[k]);
  return ops;
}

double PhaseEvaluator::stage_cycles(const PhasePlan& plan) const {
  double total = 0;
  for (const auto& stage : plan.structure->stages) {
    double longest = 0;
    for (const auto& group : stage) {
      double sum = 0;
      for (size_t i : group) sum += busy_cycles(i);
      longest = std::max(longest, sum);
    }
    total += longest;
  }
  return total;
}

double PhaseEvaluator::tensor_bytes(size_t tensor) const {
  double n = 1;
  for (const auto& [slot, recurrent] : structure_.tensors[tensor].ranks)
    n *= static_cast<double>(ranks_.of(slot) + (recurrent ? 1 : 0));
  return n * config_.proto().word_bytes();
}

double PhaseEvaluator::tensor_bytes(const std::string& name) const {
  for (size_t t = 0; t < cascade_.tensors.size(); ++t)
    if (cascade_.tensors[t].name == name) return tensor_bytes(t);
  return workloads::tensor_elements(cascade_, name, sizes_) * config_.proto().word_bytes();
}

bool PhaseEvaluator::is_phase_input(const PhasePlan& plan, const std::string& tensor) const {
  const int w = cascade_.writer_of(tensor);
  return w < 0 || std::find(plan.einsums().begin(), plan.einsums().end(), static_cast<size_t>(w)) ==
                      plan.einsums().end();
}

std::pair<double, double> PhaseEvaluator::boundary_traffic(const PhasePlan& plan) const {
  double r = 0, w = 0;
  for (size_t t : plan.structure->reads) r += tensor_bytes(t);
  for (size_t t : plan.structure->writes) w += tensor_bytes(t);
  return {r, w};
}

void PhaseEvaluator::account_einsum(size_t i, sim::Result& result) const {
  const SpatialStructure::EinsumInfo& info = structure_.einsums[i];
  if (info.unit == SpatialStructure::Unit::None) return;
  const size_t u = info.unit == SpatialStructure::Unit::Array2d ? 0 : 1;
  const uint64_t* counts = counts_.data() + info.first_count;
  double actions = 0;
  for (size_t k = 0; k < info.ops.kinds().size(); ++k) {
    const auto& cost = op_cost(i, k);
    for (int a = 0; a < cost.actions_size(); ++a) {
      const double n = static_cast<double>(counts[k]) * cost.actions(a).count();
      add_energy(info.action_energy[k][static_cast<size_t>(a)], n, result);
      actions += n;
    }
  }
  // Each functional-unit action reads an operand from and writes a result to its PE's registers
  // (the other operand arrives over the array's links).
  add_energy(structure_.regfile_read[u], actions, result);
  add_energy(structure_.regfile_write[u], actions, result);
  busy(info.unit, result) += busy_cycles(i);

  // Operands that come from the buffer (produced outside the phase) are fetched once per row or
  // column of the array that reuses them; values made inside the phase stay in the PEs.
  const auto& pe = array(info.unit);
  double bytes = 0;
  for (size_t operand = 0; operand < info.operands; ++operand) {
    const double reuse = u == 0 ? (operand % 2 == 0 ? pe.rows() : pe.cols()) : 1.0;
    bytes += points_[i] * config_.proto().word_bytes() / reuse;
  }
  const double line = config_.proto().global_buffer().line_bytes();
  add_energy(structure_.buffer_read, bytes / line, result);
  traffic(kBufferRead, result) += bytes;
}

void PhaseEvaluator::account_dram(double read_bytes, double write_bytes, sim::Result& result) const {
  add_energy(structure_.dram_read, read_bytes, result);
  add_energy(structure_.dram_write, write_bytes, result);
  traffic(kDramRead, result) += read_bytes;
  traffic(kDramWrite, result) += write_bytes;
  // Every DRAM byte lands in (or leaves from) the global buffer: a write on arrival, and on
  // departure the array's write plus the read towards DRAM.
  const double line = config_.proto().global_buffer().line_bytes();
  const double writes = read_bytes + write_bytes, reads = write_bytes;
  add_energy(structure_.buffer_write, writes / line, result);
  add_energy(structure_.buffer_read, reads / line, result);
  traffic(kBufferWrite, result) += writes;
  traffic(kBufferRead, result) += reads;
}

void PhaseEvaluator::account_staged(const PhasePlan& plan, sim::Result& result) const {
  for (size_t i : plan.einsums()) account_einsum(i, result);
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

uint64_t PhaseEvaluator::finish_phase(const PhasePlan& plan, double compute_cycles,
                                      double read_bytes, double write_bytes, const PhaseMark& start,
                                      sim::Result& result,
                                      std::optional<uint64_t> simulated_cycles) const {
  const SpatialStructure::Plan& keys = *plan.structure;
  const std::string& name = keys.name;
  check_phase_cycles(name, compute_cycles, read_bytes, write_bytes);
  account_dram(read_bytes, write_bytes, result);
  const double memory_cycles = (read_bytes + write_bytes) / config_.dram_bytes_per_cycle();
  const auto cycles = simulated_cycles ? *simulated_cycles
                                       : static_cast<uint64_t>(std::ceil(std::max(compute_cycles, memory_cycles)));
  result.phases[name] = {cycles, result.total_energy_pj() - start.energy_pj};
  // The phase's stats in name order, each placed after the one before (a hint std::map takes in
  // constant time).
  auto& stats = result.stats;
  auto at = stats.insert_or_assign(keys.compute_cycles_key, compute_cycles).first;
  at = stats.insert_or_assign(std::next(at), keys.dram_bytes_key, read_bytes + write_bytes);
  at = stats.insert_or_assign(std::next(at), keys.memory_cycles_key, memory_cycles);
  // A unit's busy cycles in this phase: its total less what it had at the phase's start.
  const auto own_busy = [&start](const std::string& unit, double busy) {
    double before = 0;
    for (const auto& [marked, value] : start.busy_cycles)
      if (marked == unit) before = value;
    return busy - before;
  };
  for (const auto& [unit, busy] : result.busy_cycles) {
    const double utilization = cycles ? own_busy(unit, busy) / static_cast<double>(cycles) : 0;
    if (unit == "array2d" || unit == "array1d")
      at = stats.insert_or_assign(std::next(at), keys.utilization_key[unit == "array2d" ? 0 : 1], utilization);
    else
      stats[name + ".utilization." + unit] = utilization;
  }
  double ops = 0;
  for (size_t i : plan.einsums()) ops += operations(i);
  result.roofline.points.push_back({name, "phase", ops, read_bytes + write_bytes,
                                    static_cast<double>(cycles) * config_.cycle_seconds()});
  if (sim::Timeline* timeline = result.timeline.get()) {
    const auto begin = static_cast<double>(result.cycles);
    timeline->add({"phases", name, "phase", begin, static_cast<double>(cycles),
                   {{"cycles", std::to_string(cycles)}}});
    if (!simulated_cycles) {
      // Analytical: each unit busy for its share of the phase, then idle; DRAM for its traffic.
      const auto show = [&](const std::string& unit, double own) {
        const double busy = std::min(own, static_cast<double>(cycles));
        if (busy > 0) timeline->add({unit, name, "busy", begin, busy, {{"phase", name}}});
        if (busy < static_cast<double>(cycles))
          timeline->add({unit, "idle", "idle", begin + busy, static_cast<double>(cycles) - busy, {{"phase", name}}});
      };
      for (const auto& [unit, busy] : result.busy_cycles) show(unit, own_busy(unit, busy));
      show("dram", memory_cycles);
    }
  }
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
  return finish_phase(plan, stage_cycles(plan), read, write, start, result, simulated);
}

uint64_t PhaseEvaluator::phase_tiles(const PhasePlan& plan) const {
  uint64_t tiles = 1;
  for (size_t i : plan.einsums()) {
    const SpatialStructure::EinsumInfo& info = structure_.einsums[i];
    if (info.unit == SpatialStructure::Unit::None) continue;
    const auto& pe = array(info.unit);
    const double outputs = tensor_bytes(cascade_.einsums[i].output.tensor) / config_.proto().word_bytes();
    tiles = std::max(tiles, share(outputs, static_cast<uint64_t>(pe.rows()) * pe.cols()));
  }
  return tiles;
}

uint64_t PhaseEvaluator::simulate_staged(const PhasePlan& plan, double read_bytes,
                                         double write_bytes, bool fast_forward,
                                         sim::Result& result) const {
  std::vector<std::vector<TaskSpec>> stages;
  for (int s = 0; s < plan.phase->stage_size(); ++s) {
    auto& specs = stages.emplace_back();
    for (int g = 0; g < plan.phase->stage(s).group_size(); ++g) {
      TaskSpec spec;
      spec.name = plan.phase->stage(s).group(g);
      for (size_t i : plan.structure->stages[static_cast<size_t>(s)][static_cast<size_t>(g)]) {
        spec.unit = spatial_unit(unit_of(i));
        spec.total_cycles += busy_cycles(i);
      }
      specs.push_back(spec);
    }
  }
  const double analytical = std::max(stage_cycles(plan),
                                     (read_bytes + write_bytes) / config_.dram_bytes_per_cycle());
  const auto program = streamed_program(stages, round_count_for(phase_tiles(plan), analytical),
                                        read_bytes, write_bytes, config_.dram_bytes_per_cycle());
  return record_simulation(plan.phase->name(), program, fast_forward, config_.dram_bytes_per_cycle(), result);
}

uint64_t PhaseEvaluator::record_simulation(const std::string& phase, const sim::RoundProgram& program,
                                           bool fast_forward, double dram_bytes_per_cycle, sim::Result& result,
                                           uint64_t after, const std::string& timeline_phase) {
  sim::RoundPipelineOptions options;
  options.fast_forward = fast_forward;
  options.timeline = result.timeline.get();
  options.timeline_offset = result.cycles + after;  // phases run one after another
  options.timeline_phase = timeline_phase.empty() ? phase : timeline_phase;
  const size_t recorded = options.timeline ? options.timeline->intervals().size() : 0;
  const sim::RoundPipelineStats stats = sim::simulate_round_pipeline(program, options);
  if (sim::Timeline* timeline = options.timeline) {
    // DRAM's bandwidth over time: a load or store streams at the channel's rate while it is busy
    // (a fast-forwarded stretch at the busy share of its repeats: not shown as a rate).
    std::vector<const sim::TimelineInterval*> dram;
    for (size_t i = recorded; i < timeline->intervals().size(); ++i)
      if (timeline->intervals()[i].track == "dram") dram.push_back(&timeline->intervals()[i]);
    const double rate = dram_bytes_per_cycle * timeline->ticks_per_second * 1e-9;
    double busy_until = -1;
    for (size_t i = 0; i < dram.size(); ++i) {
      if (dram[i]->category != "busy") continue;
      if (dram[i]->start != busy_until) timeline->add_counter("DRAM bandwidth (GB/s)", dram[i]->start, rate);
      busy_until = dram[i]->start + dram[i]->duration;
      if (i + 1 == dram.size() || dram[i + 1]->category != "busy" || dram[i + 1]->start != busy_until)
        timeline->add_counter("DRAM bandwidth (GB/s)", busy_until, 0);
    }
  }
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
  // The arrays' roofs: a PE completes an operation a cycle (one of unit cost, config op_cost).
  r.roofline.ops_unit = "op";
  const double clock = config_.proto().clock_hz();
  const auto pes = [&](SpatialStructure::Unit u) {
    return static_cast<double>(array(u).rows()) * array(u).cols() * clock;
  };
  r.roofline.compute_roofs = {{"2D and 1D arrays", pes(SpatialStructure::Unit::Array2d) + pes(SpatialStructure::Unit::Array1d)},
                              {"2D array", pes(SpatialStructure::Unit::Array2d)},
                              {"1D array", pes(SpatialStructure::Unit::Array1d)}};
  r.roofline.memory_bytes_per_second = config_.proto().dram().bandwidth_bytes_per_second();
  return r;
}

sim::Result evaluate_phases(const ArchConfig& config, const workloads::Cascade& cascade,
                            const workloads::RankSizes& sizes, const SpatialStructure& structure,
                            const std::string& model, Fidelity fidelity, bool fast_forward,
                            const std::function<bool(const PhaseEvaluator::PhasePlan&)>& is_own,
                            const OwnPhase& own_phase, bool timeline) {
  const PhaseEvaluator phases(config, cascade, sizes, structure);
  sim::Result r = phases.start_result(model, to_string(fidelity));
  if (timeline) {
    r.timeline = std::make_shared<sim::Timeline>();
    r.timeline->ticks_per_second = r.clock_hz;
    r.timeline->add_track("phases");
  }
  for (const auto& plan : phases.plans()) {
    if (is_own(plan))
      own_phase(phases, plan, r);
    else
      phases.run_staged_phase(plan, r, fidelity, fast_forward);
  }
  return r;
}

}  // namespace cascade::arch
