#include "arch/spatial/SpatialStructure.h"

#include <algorithm>
#include <map>

#include "arch/spatial/PhaseEvaluator.h"

namespace cascade::arch {
namespace {

const char* unit_name(SpatialStructure::Unit unit) {
  return unit == SpatialStructure::Unit::Array2d ? "array2d" : unit == SpatialStructure::Unit::Array1d ? "array1d" : "";
}

size_t tensor_index(const workloads::Cascade& c, const std::string& name) {
  for (size_t t = 0; t < c.tensors.size(); ++t)
    if (c.tensors[t].name == name) return t;
  throw base::InputError(c.file, {}, "no tensor '" + name + "'");
}

std::vector<const workloads::Access*> reads_of(const workloads::Einsum& e) {
  std::vector<const workloads::Access*> reads;
  e.rhs->collect_accesses(reads);
  return reads;
}

}  // namespace

std::string SpatialStructure::key(const ArchConfig& config, const std::string& model) {
  return "spatial:" + model + ":" + config.structure_key();
}

size_t SpatialStructure::energy_key(const std::string& component, const std::string& action) {
  for (size_t i = 0; i < energy_keys.size(); ++i)
    if (energy_keys[i].first == component && energy_keys[i].second == action) return i;
  energy_keys.emplace_back(component, action);
  return energy_keys.size() - 1;
}

SpatialStructure::SpatialStructure(const ArchConfig& config, const workloads::Cascade& cascade,
                                   AttentionLowering attention)
    : lowered(lower_operators(config, cascade, attention)), slots(cascade) {
  if (lowered) return;
  const auto& mapping = config.proto().mapping();
  const size_t n = cascade.einsums.size();
  std::vector<Unit> units(n, Unit::None);
  for (const auto& b : mapping.binding()) {
    const int i = cascade.writer_of(b.einsum());
    if (i >= 0)
      units[static_cast<size_t>(i)] = b.unit() == config::ARRAY2D   ? Unit::Array2d
                                      : b.unit() == config::ARRAY1D ? Unit::Array1d
                                                                    : Unit::None;
  }
  std::vector<int> phase_of(n, -1);
  std::vector<size_t> plan_of_phase(static_cast<size_t>(mapping.phase_size()), 0);
  for (int p = 0; p < mapping.phase_size(); ++p) {
    const auto& phase = mapping.phase(p);
    Plan plan;
    plan.phase = p;
    plan.name = phase.name();
    plan.utilization_key[0] = plan.name + ".utilization.array2d";
    plan.utilization_key[1] = plan.name + ".utilization.array1d";
    plan.compute_cycles_key = plan.name + ".compute_cycles";
    plan.memory_cycles_key = plan.name + ".memory_cycles";
    plan.dram_bytes_key = plan.name + ".dram_bytes";
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
                        mapping.phase(phase_of[static_cast<size_t>(i)]).name() + "' and '" + phase.name() + "')");
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
    for (const auto& stage : phase.stage()) {
      auto& groups = plan.stages.emplace_back();
      for (const auto& group : stage.group()) {
        auto& members = groups.emplace_back();
        for (const auto& name : split_names(group)) members.push_back(static_cast<size_t>(cascade.writer_of(name)));
      }
    }
    plan_of_phase[static_cast<size_t>(p)] = plans.size();
    plans.push_back(std::move(plan));
  }

  const auto inside = [](const Plan& plan, size_t einsum) {
    return std::find(plan.einsums.begin(), plan.einsums.end(), einsum) != plan.einsums.end();
  };
  const auto is_input = [&](const Plan& plan, const std::string& tensor) {
    const int w = cascade.writer_of(tensor);
    return w < 0 || !inside(plan, static_cast<size_t>(w));
  };
  for (Plan& plan : plans) {
    std::map<std::string, bool> read, written;
    for (size_t i : plan.einsums)
      for (const auto* a : reads_of(cascade.einsums[i]))
        if (is_input(plan, a->tensor)) read[a->tensor] = true;
    // An output leaves the phase if some Einsum outside reads it, or nobody does (a final output).
    for (size_t i : plan.einsums) {
      const std::string& out = cascade.einsums[i].output.tensor;
      bool read_inside_only = false, read_outside = false;
      for (size_t j = 0; j < n; ++j)
        for (const auto* a : reads_of(cascade.einsums[j])) {
          if (a->tensor != out || j == i) continue;
          (inside(plan, j) ? read_inside_only : read_outside) = true;
        }
      if (read_outside || !read_inside_only) written[out] = true;
    }
    for (const auto& [t, _] : read) plan.reads.push_back(tensor_index(cascade, t));
    for (const auto& [t, _] : written) plan.writes.push_back(tensor_index(cascade, t));
  }

  for (size_t u = 0; u < 2; ++u) {
    const std::string regfile = u == 0 ? "regfile2d" : "regfile1d";
    regfile_read[u] = energy_key(regfile, "read");
    regfile_write[u] = energy_key(regfile, "write");
  }
  buffer_read = energy_key("global_buffer", "read");
  buffer_write = energy_key("global_buffer", "write");
  dram_read = energy_key("dram", "read");
  dram_write = energy_key("dram", "write");

  for (size_t i = 0; i < n; ++i) {
    const workloads::Einsum& e = cascade.einsums[i];
    EinsumInfo& info = einsums.emplace_back(workloads::OpCountPlan(e, cascade, slots));
    info.unit = units[i];
    info.phase = phase_of[i];
    info.first_count = count_total;
    count_total += info.ops.kinds().size();
    if (info.phase < 0) continue;
    info.staged_unbound = mapping.phase(info.phase).stage_size() > 0 && info.unit == Unit::None;
    const Plan& plan = plans[plan_of_phase[static_cast<size_t>(info.phase)]];
    for (const auto* a : reads_of(e))
      if (is_input(plan, a->tensor)) ++info.operands;
    if (info.unit == Unit::None) continue;
    const config::PeArray& pe = info.unit == Unit::Array2d ? config.proto().array2d() : config.proto().array1d();
    for (const auto& kind : info.ops.kinds()) {
      int found = -1;
      for (int c = 0; c < pe.op_cost_size() && found < 0; ++c)
        if (pe.op_cost(c).op() == kind) found = c;
      info.op_cost.push_back(found);
      auto& keys = info.action_energy.emplace_back();
      if (found >= 0)
        for (const auto& action : pe.op_cost(found).actions()) keys.push_back(energy_key(unit_name(info.unit), action.action()));
    }
  }

  for (const auto& t : cascade.tensors) {
    TensorInfo& info = tensors.emplace_back();
    for (size_t k = 0; k < t.ranks.size(); ++k)
      info.ranks.emplace_back(slots.slot_of(t.ranks[k]), cascade.is_recurrent_position(t.name, k));
  }

  const auto& energy = config.proto().energy();
  for (const auto& [component, action] : energy_keys) {
    int entry = -1;
    for (int i = 0; i < energy.size(); ++i)
      if (energy.Get(i).component() == component && energy.Get(i).action() == action) entry = i;
    energy_entry.push_back(entry);
  }
}

const SpatialStructure& spatial_structure(const ArchConfig& config, const std::string& key,
                                          const workloads::Cascade& cascade, AttentionLowering attention,
                                          EvaluationCache* cache, std::unique_ptr<SpatialStructure>& own) {
  if (!cache) {
    own = std::make_unique<SpatialStructure>(config, cascade, attention);
    return *own;
  }
  // Only spatial models write keys of SpatialStructure::key, so the entry under one is of this type.
  return static_cast<const SpatialStructure&>(cache->find_or_build(
      cascade, key, [&] { return std::make_unique<SpatialStructure>(config, cascade, attention); }));
}

}  // namespace cascade::arch
