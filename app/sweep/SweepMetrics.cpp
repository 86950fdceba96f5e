#include "app/sweep/SweepMetrics.h"

#include <cmath>

namespace cascade::app {
namespace {

bool has_prefix(const std::string& name, const char* prefix) {
  const std::string p = prefix;
  return name.size() > p.size() && name.compare(0, p.size(), p) == 0;
}

}  // namespace

bool is_sweep_metric(const std::string& name) {
  for (const char* fixed : {"cycles", "seconds", "energy_j", "power_w", "edp_js", "area_mm2", "dram_bytes"})
    if (name == fixed) return true;
  return has_prefix(name, "utilization.") || has_prefix(name, "stat.");
}

const char* sweep_metric_names() {
  return "cycles, seconds, energy_j, power_w, edp_js, area_mm2, dram_bytes, utilization.<unit>, stat.<name>";
}

namespace {

std::optional<double> metric_of(const std::string& name, const sim::Result& r, std::optional<double> area_mm2) {
  const double joules = r.total_energy_pj() * 1e-12;
  if (name == "cycles") return static_cast<double>(r.cycles);
  if (name == "seconds") return r.seconds();
  if (name == "energy_j") return joules;
  if (name == "power_w") return r.seconds() > 0 ? std::optional<double>(joules / r.seconds()) : std::nullopt;
  if (name == "edp_js") return joules * r.seconds();
  if (name == "area_mm2") return area_mm2;
  if (name == "dram_bytes") return r.traffic("dram", "read") + r.traffic("dram", "write");
  if (has_prefix(name, "utilization.")) {
    const std::string unit = name.substr(12);
    if (!r.busy_cycles.count(unit)) return std::nullopt;
    return r.utilization(unit);
  }
  if (has_prefix(name, "stat.")) {
    const auto it = r.stats.find(name.substr(5));
    if (it == r.stats.end()) return std::nullopt;
    return it->second;
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> sweep_metric(const std::string& name, const sim::Result& result,
                                   std::optional<double> area_mm2) {
  const auto v = metric_of(name, result, area_mm2);
  return v && std::isfinite(*v) ? v : std::nullopt;
}

}  // namespace cascade::app
