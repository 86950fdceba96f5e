#include "sim/result/Result.h"

namespace cascade::sim {

double Result::total_energy_pj() const {
  double total = 0;
  for (const auto& [key, pj] : energy_pj) total += pj;
  return total;
}

double Result::utilization(const std::string& unit) const {
  const auto it = busy_cycles.find(unit);
  if (it == busy_cycles.end() || cycles == 0) return 0;
  return it->second / static_cast<double>(cycles);
}

double Result::traffic(const std::string& level, const std::string& direction) const {
  const auto it = traffic_bytes.find({level, direction});
  return it == traffic_bytes.end() ? 0 : it->second;
}

void Result::add_energy(const std::string& component, const std::string& action, double count,
                        double pj_each) {
  action_counts[{component, action}] += count;
  energy_pj[{component, action}] += count * pj_each;
}

config::RunRecord Result::to_record() const {
  config::RunRecord r;
  r.set_model(model);
  r.set_arch(arch);
  r.set_workload(workload);
  r.set_fidelity(fidelity);
  for (const auto& [rank, size] : rank_sizes) (*r.mutable_rank_sizes())[rank] = size;
  r.set_cycles(cycles);
  r.set_clock_hz(clock_hz);
  r.set_seconds(seconds());
  r.set_energy_pj(total_energy_pj());
  for (const auto& [key, pj] : energy_pj) {
    auto* e = r.add_energy();
    e->set_component(key.first);
    e->set_action(key.second);
    e->set_count(action_counts.at(key));
    e->set_picojoules(pj);
  }
  for (const auto& [unit, busy] : busy_cycles) {
    auto* u = r.add_utilization();
    u->set_unit(unit);
    u->set_busy_cycles(busy);
    u->set_utilization(utilization(unit));
  }
  for (const auto& [key, bytes] : traffic_bytes) {
    auto* t = r.add_traffic();
    t->set_level(key.first);
    t->set_direction(key.second);
    t->set_bytes(bytes);
  }
  for (const auto& [name, phase] : phases) {
    auto* p = r.add_phase();
    p->set_name(name);
    p->set_cycles(phase.first);
    p->set_energy_pj(phase.second);
  }
  for (const auto& [name, value] : stats) (*r.mutable_stats())[name] = value;
  for (const auto& k : kernels) *r.add_kernel() = k;
  auto* roof = r.mutable_roofline();
  roof->set_ops_unit(roofline.ops_unit);
  for (const auto& [name, peak] : roofline.compute_roofs) {
    auto* c = roof->add_compute_roof();
    c->set_name(name);
    c->set_ops_per_second(peak);
  }
  roof->set_memory_level(roofline.memory_level);
  roof->set_dram_bytes_per_second(roofline.memory_bytes_per_second);
  for (const auto& p : roofline.points) {
    auto* q = roof->add_point();
    q->set_name(p.name);
    q->set_kind(p.kind);
    q->set_ops(p.ops);
    q->set_dram_bytes(p.bytes);
    q->set_seconds(p.seconds);
  }
  return r;
}

}  // namespace cascade::sim
