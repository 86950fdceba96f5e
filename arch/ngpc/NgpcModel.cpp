#include "arch/ngpc/NgpcModel.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace cascade::arch::ngpc {
namespace {

// A gathered entry that misses the grid SRAM costs one 32-byte L2 sector (as the GPU's gathers do:
// arch/gpu/FusedKernels.h, kHashGatherSectorBytes).
constexpr double kMissSectorBytes = 32;

}  // namespace

NgpcModel::NgpcModel(NgpcConfig config) : config_(std::move(config)), gpu_(config_.gpu()) {}

std::optional<double> NgpcModel::area_mm2() const {
  const auto& p = config_.proto();
  // The paper's processor: 16 engines of 1 MiB (ngpc.md section 1.2).
  const double sram_scale = p.encoding().engines() * static_cast<double>(p.encoding().grid_sram_bytes()) / (16.0 * (1 << 20));
  const double share = p.grid_sram_area_share();
  return p.processors() * p.area_fraction_per_processor() * p.gpu_die_mm2() * ((1 - share) + share * sram_scale);
}

sim::Result NgpcModel::evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                Fidelity fidelity, EvaluationCache* /*cache*/) const {
  const config::NgpcArch& p = config_.proto();
  if (fidelity != Fidelity::Analytical)
    throw base::InputError(config_.file(), {1, 0}, "the NGPC model has no cycle fidelity yet: run it analytical");
  const NgpcWork work = ngpc_work(cascade, sizes);
  const sim::Result baseline = gpu_.evaluate(cascade, sizes, Fidelity::Analytical);
  const std::set<std::string> on_ngpc(work.ngpc_operators.begin(), work.ngpc_operators.end());
  std::set<std::string> encodings;
  for (const auto& g : work.grids) encodings.insert(g.name);
  for (const auto& e : work.other_encodings) encodings.insert(e.name);

  // The GPU's frame, by side.
  double gpu_total_s = 0, gpu_encoding_s = 0, gpu_mlp_s = 0, rest_s = 0, rest_pj = 0;
  for (const auto& k : baseline.kernels) {
    gpu_total_s += k.seconds();
    if (encodings.count(k.name())) {
      gpu_encoding_s += k.seconds();
    } else if (on_ngpc.count(k.name())) {
      gpu_mlp_s += k.seconds();
    } else {
      rest_s += k.seconds();
      rest_pj += k.energy_pj();
    }
  }
  const double fused_rest_s = rest_s / p.rest_fusion_speedup();

  // The NGPC's side.
  const double n = p.processors(), clock = p.clock_hz(), l2_bw = p.l2_bandwidth_bytes_per_second();
  const auto& enc = p.encoding();
  std::map<std::string, double> busy_s;  // per NGPC operator
  double encoding_s = 0, table_bytes = 0, miss_bytes = 0, max_queries = 0;
  for (const auto& g : work.grids) {
    const auto& s = g.grid;
    max_queries = std::max(max_queries, static_cast<double>(s.queries));
    const double cycles_per_lookup = std::ceil(static_cast<double>(s.corners) / enc.banks());
    const double cycles =
        std::ceil(static_cast<double>(s.queries) * static_cast<double>(s.levels) * cycles_per_lookup / (n * enc.engines()));
    double loaded = 0, missed = 0;
    for (size_t l = 0; l < s.level_entries.size(); ++l) {
      const double level_bytes = static_cast<double>(s.level_entries[l]) * s.entry_bytes;
      if (p.grid_sram_mode() == config::ALL_HIT) {
        loaded += level_bytes;
        continue;
      }
      if (static_cast<double>(enc.grid_sram_bytes()) < s.entry_bytes)
        throw base::InputError(config_.file(), config_.locate({{"encoding"}, {"grid_sram_bytes"}}),
                               "encoding.grid_sram_bytes: " + std::to_string(enc.grid_sram_bytes()) +
                                   " bytes hold no entry of '" + g.name + "' (" + std::to_string(s.entry_bytes) + " bytes)");
      const double hit = std::min(1.0, static_cast<double>(enc.grid_sram_bytes()) / level_bytes);
      loaded += std::min(level_bytes, static_cast<double>(enc.grid_sram_bytes()));
      missed += static_cast<double>(s.queries) * static_cast<double>(s.corners) * (1 - hit) * kMissSectorBytes;
    }
    table_bytes += loaded;
    miss_bytes += missed;
    const double t = std::max(cycles / clock, (loaded + missed) / l2_bw);
    busy_s[g.name] = t;
    encoding_s += t;
  }
  for (const auto& e : work.other_encodings) {
    max_queries = std::max(max_queries, static_cast<double>(e.queries));
    const double t = std::ceil(static_cast<double>(e.queries) / (n * enc.sh_queries_per_cycle())) / clock;
    busy_s[e.name] = t;
    encoding_s += t;
  }
  double mlp_s = 0;
  for (const auto& layer : work.layers) {
    max_queries = std::max(max_queries, static_cast<double>(layer.queries));
    const double passes = std::ceil(static_cast<double>(layer.inputs) / p.mlp().rows()) *
                          std::ceil(static_cast<double>(layer.outputs) / p.mlp().cols());
    const double t = std::ceil(passes * static_cast<double>(layer.queries) / n) / clock;
    busy_s[layer.name] = t;
    mlp_s += t;
  }
  // The queries' inputs and outputs cross the L2 port too; the engines overlap across batches.
  const double port_s = (work.input_bytes + work.output_bytes) / l2_bw;
  const double ngpc_s = std::max({encoding_s, mlp_s, port_s + (table_bytes + miss_bytes) / l2_bw});
  const double batches = std::max(1.0, std::ceil(max_queries / static_cast<double>(p.batch_queries())));
  const double frame_s = p.overlap() == config::SERIAL
                             ? fused_rest_s + ngpc_s
                             : std::max(fused_rest_s, ngpc_s) + std::min(fused_rest_s, ngpc_s) / batches;

  sim::Result r;
  r.model = name();
  r.arch = p.name();
  r.workload = cascade.name;
  r.fidelity = to_string(fidelity);
  r.rank_sizes = sizes.all();
  r.clock_hz = clock;
  r.cycles = static_cast<uint64_t>(std::llround(frame_s * clock));
  const double watts = n * p.power_fraction_per_processor() * p.gpu_board_power_w();
  for (const auto& [op, t] : busy_s) {
    r.add_energy("ngpc", "busy_second", t, watts * 1e12);
    r.phases[op] = {static_cast<uint64_t>(std::llround(t * clock)), t * watts * 1e12};
  }
  r.add_energy("gpu", "rest", 1, rest_pj / p.rest_fusion_speedup());
  r.phases["gpu_rest"] = {static_cast<uint64_t>(std::llround(fused_rest_s * clock)), rest_pj / p.rest_fusion_speedup()};
  r.busy_cycles["encoding_engines"] = encoding_s * clock;
  r.busy_cycles["mlp_engine"] = mlp_s * clock;
  r.busy_cycles["gpu"] = fused_rest_s * clock;
  r.traffic_bytes[{"l2", "read"}] = table_bytes + miss_bytes + work.input_bytes;
  r.traffic_bytes[{"l2", "write"}] = work.output_bytes;
  r.stats["gpu_baseline_seconds"] = gpu_total_s;
  r.stats["gpu_encoding_seconds"] = gpu_encoding_s;
  r.stats["gpu_mlp_seconds"] = gpu_mlp_s;
  r.stats["gpu_rest_seconds"] = rest_s;
  r.stats["gpu_encoding_mlp_share"] = gpu_total_s > 0 ? (gpu_encoding_s + gpu_mlp_s) / gpu_total_s : 0;
  r.stats["rest_seconds"] = fused_rest_s;
  r.stats["encoding_seconds"] = encoding_s;
  r.stats["mlp_seconds"] = mlp_s;
  r.stats["ngpc_seconds"] = ngpc_s;
  r.stats["batches"] = batches;
  r.stats["speedup"] = frame_s > 0 ? gpu_total_s / frame_s : 0;
  r.stats["amdahl_bound"] = fused_rest_s > 0 ? gpu_total_s / fused_rest_s : 0;
  r.stats["frames_per_second"] = frame_s > 0 ? 1 / frame_s : 0;
  r.stats["ngpc_power_w"] = watts;
  return r;
}

}  // namespace cascade::arch::ngpc
