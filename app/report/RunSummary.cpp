#include "app/report/RunSummary.h"

#include "base/Format.h"
#include <map>
#include <sstream>

namespace cascade::app {
namespace {

std::string fixed(double v, int digits) { return base::format("%.*f", digits, v); }

std::string sci(double v) { return base::format("%.4g", v); }

}  // namespace

std::string format_run_summary(const sim::Result& r) {
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
  if (!r.kernels.empty()) {
    out << "\nkernels (in launch order):\n";
    out << base::format("  %-24s %-12s %-16s %-12s %5s %9s %6s %12s %12s\n", "name", "kind", "grid", "block",
                        "regs", "smem", "occ%", "time (us)", "energy (J)");
    const auto dim3 = [](const auto& d) {
      std::string s;
      for (int i = 0; i < d.size(); ++i) s += (i ? "x" : "") + std::to_string(d[i]);
      return s;
    };
    for (const auto& k : r.kernels)
      out << base::format("  %-24s %-12s %-16s %-12s %5u %9u %6.1f %12.2f %12.4g\n", k.name().c_str(),
                          k.kind().c_str(), dim3(k.grid()).c_str(), dim3(k.block()).c_str(), k.registers_per_thread(),
                          k.dynamic_smem_bytes(), 100 * k.occupancy(), k.seconds() * 1e6, k.energy_pj() * 1e-12);
  }
  return out.str();
}

}  // namespace cascade::app
