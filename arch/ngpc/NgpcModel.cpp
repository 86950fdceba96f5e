#include "arch/ngpc/NgpcModel.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <map>
#include <set>

#include "arch/ngpc/GridBanks.h"
#include "sim/engine/RoundPipelineSim.h"

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

namespace {

// The frame as a pipeline of batches through four in-order stages (units): the L2 port (the
// batch's inputs, outputs and misses), the encoding engines (grid encodings, then the spherical
// harmonics), the MLP engine (its layers one after another), and the GPU's fused rest of the frame.
// The tables load over the port once, before the first batch. All in NGPC cycles, per batch and
// per processor (each processor takes an even share of each batch's queries).
struct FramePlan {
  uint64_t batches = 1, load = 0;
  std::array<uint64_t, 4> stage{};  // port, encoding, mlp, gpu: cycles of one batch
};
const char* const kUnits[] = {"l2_port", "encoding_engines", "mlp_engine", "gpu"};

// PIPELINED: the batches flow through the stages, at most `kBatchesInFlight` between the port and
// the GPU: load + sum(stages) + (batches - 1) x max(stage). SERIAL: one batch at a time, load +
// batches x sum(stages).
constexpr uint64_t kBatchesInFlight = 4;

double analytical_cycles(const FramePlan& f, bool pipelined) {
  double sum = 0, longest = 0;
  for (const uint64_t s : f.stage) sum += static_cast<double>(s), longest = std::max(longest, static_cast<double>(s));
  const double b = static_cast<double>(f.batches);
  return static_cast<double>(f.load) + (pipelined ? sum + (b - 1) * longest : b * sum);
}

// The same pipeline clocked on SystemC (sim/engine/RoundPipelineSim.h): one round per batch, each
// stage a task on its unit that waits for the stage before it in the same batch; the load a round
// of its own before them.
sim::RoundPipelineStats simulated(const FramePlan& f, bool pipelined, bool fast_forward) {
  sim::RoundProgram program;
  program.units.assign(std::begin(kUnits), std::end(kUnits));
  program.rounds_in_flight = pipelined ? kBatchesInFlight : 1;
  sim::RoundBlock load;
  load.runs.push_back({{{"load", 0, std::max<uint64_t>(f.load, 1), {}}}, 1});
  program.blocks.push_back(load);
  sim::RoundRun batch;
  batch.count = f.batches;
  for (int s = 0; s < 4; ++s) {
    sim::RoundTask t{kUnits[s], s, std::max<uint64_t>(f.stage[static_cast<size_t>(s)], 1), {}};
    if (s > 0) t.deps.push_back({kUnits[s - 1], 0});
    if (s == 0) t.deps.push_back({"load", 1});
    batch.tasks.push_back(t);
  }
  sim::RoundBlock batches;
  batches.runs.push_back(batch);
  program.blocks.push_back(batches);
  return sim::simulate_round_pipeline(program, {fast_forward});
}

// Cycles (or counts) as integers, within 2^62 so that sums of a few stay exact; beyond, the
// workload is too large for the NGPC model (an InputError naming the config).
uint64_t whole(double value, const NgpcConfig& config) {
  if (!(value >= 0 && value <= 0x1p62))
    throw base::InputError(config.file(), {1, 0}, "the frame needs more than 2^62 cycles on this NGPC");
  return static_cast<uint64_t>(std::ceil(value));
}

uint64_t per_processor(double queries, double batches, double processors, const NgpcConfig& config) {
  return whole(std::ceil(queries / batches) / processors, config);
}

}  // namespace

sim::Result NgpcModel::evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                Fidelity fidelity, EvaluationCache* /*cache*/) const {
  const config::NgpcArch& p = config_.proto();
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

  // The NGPC's side, batch by batch.
  const double n = p.processors(), clock = p.clock_hz(), bytes_per_cycle = p.l2_bandwidth_bytes_per_second() / clock;
  const auto& enc = p.encoding();
  double max_queries = 1;
  for (const auto& g : work.grids) max_queries = std::max(max_queries, static_cast<double>(g.grid.queries));
  for (const auto& e : work.other_encodings) max_queries = std::max(max_queries, static_cast<double>(e.queries));
  for (const auto& layer : work.layers) max_queries = std::max(max_queries, static_cast<double>(layer.queries));
  FramePlan plan;
  plan.batches = whole(max_queries / static_cast<double>(p.batch_queries()), config_);
  const double batches = static_cast<double>(plan.batches);
  std::map<std::string, double> busy_cycles;  // per NGPC operator, over the frame
  double table_bytes = 0, miss_bytes = 0;
  uint64_t encoding_cycles = 0, mlp_cycles = 0;
  for (const auto& g : work.grids) {
    const auto& s = g.grid;
    const uint64_t q = per_processor(static_cast<double>(s.queries), batches, n, config_);
    // The cycles of one (query, level) lookup, summed over the levels: ceil(corners / banks) with
    // corner-parity banking, the busiest bank's corners with index-modulo banking.
    double lookup_cycles = static_cast<double>(s.levels) * static_cast<double>((s.corners + enc.banks() - 1) / enc.banks());
    if (enc.bank_mapping() == config::INDEX_MODULO) {
      lookup_cycles = 0;
      for (double c : index_modulo_lookup_cycles(s, enc.banks())) lookup_cycles += c;
    }
    const uint64_t cycles = whole(static_cast<double>(q) * lookup_cycles / enc.engines(), config_);
    for (size_t l = 0; l < s.level_entries.size(); ++l) {
      const double level_bytes = static_cast<double>(s.level_entries[l]) * s.entry_bytes;
      if (p.grid_sram_mode() == config::ALL_HIT) {
        table_bytes += level_bytes;
        continue;
      }
      if (static_cast<double>(enc.grid_sram_bytes()) < s.entry_bytes)
        throw base::InputError(config_.file(), config_.locate({{"encoding"}, {"grid_sram_bytes"}}),
                               "encoding.grid_sram_bytes: " + std::to_string(enc.grid_sram_bytes()) +
                                   " bytes hold no entry of '" + g.name + "' (" + std::to_string(s.entry_bytes) + " bytes)");
      const double hit = std::min(1.0, static_cast<double>(enc.grid_sram_bytes()) / level_bytes);
      table_bytes += std::min(level_bytes, static_cast<double>(enc.grid_sram_bytes()));
      miss_bytes += static_cast<double>(s.queries) * static_cast<double>(s.corners) * (1 - hit) * kMissSectorBytes;
    }
    encoding_cycles += cycles;
    busy_cycles[g.name] = static_cast<double>(cycles) * batches;
  }
  for (const auto& e : work.other_encodings) {
    const uint64_t q = per_processor(static_cast<double>(e.queries), batches, n, config_);
    const uint64_t cycles = whole(static_cast<double>(q) / enc.sh_queries_per_cycle(), config_);
    encoding_cycles += cycles;
    busy_cycles[e.name] = static_cast<double>(cycles) * batches;
  }
  for (const auto& layer : work.layers) {
    const uint64_t passes = ((layer.inputs + p.mlp().rows() - 1) / p.mlp().rows()) *
                            ((layer.outputs + p.mlp().cols() - 1) / p.mlp().cols());
    const uint64_t cycles = whole(static_cast<double>(passes) * static_cast<double>(per_processor(
                                      static_cast<double>(layer.queries), batches, n, config_)), config_);
    mlp_cycles += cycles;
    busy_cycles[layer.name] += static_cast<double>(cycles) * batches;
  }
  plan.load = whole(table_bytes / bytes_per_cycle, config_);
  plan.stage = {whole((work.input_bytes + work.output_bytes + miss_bytes) / batches / bytes_per_cycle, config_),
                whole(static_cast<double>(encoding_cycles), config_), whole(static_cast<double>(mlp_cycles), config_),
                whole(fused_rest_s * clock / batches, config_)};
  const bool pipelined = p.overlap() == config::PIPELINED;
  uint64_t frame_cycles = 0;
  sim::RoundPipelineStats stats;
  if (fidelity == Fidelity::Analytical) {
    frame_cycles = whole(analytical_cycles(plan, pipelined), config_);
  } else {
    stats = simulated(plan, pipelined, fast_forward_);
    frame_cycles = stats.cycles;
  }
  const double frame_s = static_cast<double>(frame_cycles) / clock;
  const double encoding_s = static_cast<double>(encoding_cycles) * batches / clock;
  const double mlp_s = static_cast<double>(mlp_cycles) * batches / clock;
  const double ngpc_s = analytical_cycles(FramePlan{plan.batches, plan.load, {plan.stage[0], plan.stage[1], plan.stage[2], 0}},
                                          pipelined) / clock;

  sim::Result r;
  r.model = name();
  r.arch = p.name();
  r.workload = cascade.name;
  r.fidelity = to_string(fidelity);
  r.rank_sizes = sizes.all();
  r.clock_hz = clock;
  r.cycles = frame_cycles;
  const double watts = n * p.power_fraction_per_processor() * p.gpu_board_power_w();
  for (const auto& [op, cycles] : busy_cycles) {
    r.add_energy("ngpc", "busy_second", cycles / clock, watts * 1e12);
    r.phases[op] = {static_cast<uint64_t>(std::llround(cycles)), cycles / clock * watts * 1e12};
  }
  r.add_energy("gpu", "rest", 1, rest_pj / p.rest_fusion_speedup());
  r.phases["gpu_rest"] = {static_cast<uint64_t>(std::llround(fused_rest_s * clock)), rest_pj / p.rest_fusion_speedup()};
  for (size_t u = 0; u < 4; ++u)
    r.busy_cycles[kUnits[u]] = static_cast<double>(plan.stage[u]) * batches + (u == 0 ? static_cast<double>(plan.load) : 0);
  if (fidelity == Fidelity::Cycle) {
    r.stats["rounds"] = static_cast<double>(stats.rounds);
    r.stats["rounds_simulated"] = static_cast<double>(stats.rounds_simulated);
  }
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
