#include "sim/report/RunSummary.h"

#include "base/Format.h"
#include <map>
#include <sstream>

namespace cascade::sim {
namespace {

std::string fixed(double v, int digits) { return base::format("%.*f", digits, v); }

std::string sci(double v) { return base::format("%.4g", v); }

}  // namespace

std::string format_run_summary(const Result& r) {
  std::ostringstream out;
  out << r.model << " on " << r.workload << " (arch " << r.arch << ", " << r.fidelity
      << " fidelity)\nranks:";
  for (const auto& [rank, size] : r.rank_sizes) out << " " << rank << "=" << size;
  out << "\ncycles: " << r.cycles << "  seconds: " << sci(r.seconds())
      << "  energy: " << sci(r.total_energy_pj() * 1e-12) << " J\n";

  out << "\nutilization:";
  for (const auto& [unit, busy] : r.busy_cycles) out << "  " << unit << " " << fixed(100 * r.utilization(unit), 2) << "%";
  out << "\n\nenergy by component (J):";
  std::map<std::string, double> by_component;
  for (const auto& [key, pj] : r.energy_pj) by_component[key.first] += pj;
  for (const auto& [component, pj] : by_component) out << "  " << component << " " << sci(pj * 1e-12);
  out << "\n\ntraffic (bytes):";
  for (const auto& [key, bytes] : r.traffic_bytes) out << "  " << key.first << " " << key.second << " " << sci(bytes);
  out << "\n\nphases:\n";
  for (const auto& [name, phase] : r.phases)
    out << "  " << name << ": " << phase.first << " cycles ("
        << fixed(r.cycles ? 100.0 * static_cast<double>(phase.first) / static_cast<double>(r.cycles) : 0, 1)
        << "%), " << sci(phase.second * 1e-12) << " J\n";
  return out.str();
}

}  // namespace cascade::sim
