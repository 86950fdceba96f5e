#include "arch/ngpc/NgpcModel.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <map>
#include <memory>
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

// The frame as a pipeline of batches through four stages: the L2 port (the batch's inputs, outputs
// and misses), the encoding (each engine its levels' lookups, and beside them the spherical-
// harmonics unit: the stage lasts as long as the busiest), the MLP engine (its layers one after
// another, once every engine is done: the features are concatenated) and the GPU's fused rest of
// the frame. The tables load over the port once, before the first batch. All in NGPC cycles, per
// batch and per processor (each processor takes an even share of each batch's queries).
struct FramePlan {
  uint64_t batches = 1, load = 0;
  std::vector<uint64_t> engines;  // each engine's cycles of one batch
  uint64_t sh = 0;                // the spherical-harmonics unit's
  std::array<uint64_t, 4> stage{};  // port, encoding (the busiest unit), mlp, gpu: cycles of one batch
};

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

// The same pipeline clocked on SystemC (sim/engine/RoundPipelineSim.h): a thread per unit (the
// port, every busy encoding engine, the SH unit, the MLP engine, the GPU), one round per batch; the
// engines and the SH unit wait for the port, the MLP engine for all of them, the GPU for the MLP
// engine; the load a round of its own before them.
sim::RoundPipelineStats simulated(const FramePlan& f, bool pipelined, bool fast_forward, sim::Timeline* timeline) {
  sim::RoundProgram program;
  program.rounds_in_flight = pipelined ? kBatchesInFlight : 1;
  sim::RoundBlock load;
  load.runs.push_back({{{"load", 0, std::max<uint64_t>(f.load, 1), {}}}, 1});
  program.blocks.push_back(load);
  sim::RoundRun batch;
  batch.count = f.batches;
  const auto unit = [&](const std::string& name) {
    program.units.push_back(name);
    return static_cast<int>(program.units.size() - 1);
  };
  batch.tasks.push_back({"l2_port", unit("l2_port"), std::max<uint64_t>(f.stage[0], 1), {{"load", 1}}});
  std::vector<sim::RoundTask::Dep> encoded;
  for (size_t e = 0; e < f.engines.size(); ++e) {
    if (f.engines[e] == 0) continue;  // an engine without a level: idle
    const std::string name = "engine" + std::to_string(e);
    batch.tasks.push_back({name, unit(name), f.engines[e], {{"l2_port", 0}}});
    encoded.push_back({name, 0});
  }
  if (f.sh > 0) {
    batch.tasks.push_back({"sh_unit", unit("sh_unit"), f.sh, {{"l2_port", 0}}});
    encoded.push_back({"sh_unit", 0});
  }
  if (encoded.empty()) encoded.push_back({"l2_port", 0});
  batch.tasks.push_back({"mlp_engine", unit("mlp_engine"), std::max<uint64_t>(f.stage[2], 1), encoded});
  batch.tasks.push_back({"gpu", unit("gpu"), std::max<uint64_t>(f.stage[3], 1), {{"mlp_engine", 0}}});
  sim::RoundBlock batches;
  batches.runs.push_back(batch);
  program.blocks.push_back(batches);
  sim::RoundPipelineOptions options;
  options.fast_forward = fast_forward;
  options.timeline = timeline;
  options.timeline_phase = "frame";
  return sim::simulate_round_pipeline(program, options);
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

// Where the NGPC's operators stand under its roofs, in the workload's operations (a MAC one) a
// second and bytes over the L2 port (the grid tables it loads, its misses, the tensors that cross
// to and from the GPU). The roofs: the MLP engines at a MAC a PE a cycle; each encoding at its
// units' best rate, a grid encoding's engines a lookup each every ceil(corners / banks) cycles and
// the spherical-harmonics unit sh_queries_per_cycle queries, in that encoding's operations a lookup
// or query. An operator's time is the longer of its unit's busy time and its bytes' time on the
// port: the two are different stages of the pipeline, overlapped batch by batch. The GPU's rest of
// the frame is not on them (a run on the GPU config charts it).
sim::Roofline roofline(const config::NgpcArch& p, const NgpcWork& work, const std::map<std::string, double>& busy_cycles,
                       const std::map<std::string, double>& l2_bytes) {
  sim::Roofline roof;
  roof.ops_unit = "op";
  roof.memory_level = "L2 port";
  roof.memory_bytes_per_second = p.l2_bandwidth_bytes_per_second();
  const double per_second = static_cast<double>(p.processors()) * p.clock_hz();
  const auto ops_of = [&](const std::string& op) { return work.per_operator.at(op).ops; };
  roof.compute_roofs.push_back({"MLP engines", per_second * p.mlp().rows() * p.mlp().cols()});
  for (const auto& g : work.grids) {
    const double lookups = static_cast<double>(g.grid.queries) * static_cast<double>(g.grid.levels);
    const double cycles = static_cast<double>((g.grid.corners + p.encoding().banks() - 1) / p.encoding().banks());
    if (lookups > 0)
      roof.compute_roofs.push_back({"encoding engines: " + g.name,
                                    per_second * p.encoding().engines() / cycles * ops_of(g.name) / lookups});
  }
  for (const auto& e : work.other_encodings)
    if (e.queries > 0)
      roof.compute_roofs.push_back({"SH unit: " + e.name, per_second * p.encoding().sh_queries_per_cycle() *
                                                               ops_of(e.name) / static_cast<double>(e.queries)});
  std::set<std::string> grids, others;
  for (const auto& g : work.grids) grids.insert(g.name);
  for (const auto& e : work.other_encodings) others.insert(e.name);
  for (const auto& op : work.ngpc_operators) {
    const auto busy = busy_cycles.find(op);
    const auto own = l2_bytes.find(op);
    const double bytes = work.per_operator.at(op).crossing_bytes + (own == l2_bytes.end() ? 0 : own->second);
    const double busy_s = busy == busy_cycles.end() ? 0 : busy->second / p.clock_hz();
    roof.points.push_back({op, grids.count(op) ? "grid encoding" : others.count(op) ? "encoding" : "mlp", ops_of(op),
                           bytes, std::max(busy_s, bytes / roof.memory_bytes_per_second)});
  }
  return roof;
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
  std::map<std::string, double> l2_bytes;  // per NGPC operator: what it moves over the L2 port
  uint64_t mlp_cycles = 0;
  std::vector<double> engine_load(enc.engines(), 0.0);  // cycles of one batch, per engine
  double sh_load = 0;
  for (const auto& g : work.grids) {
    const auto& s = g.grid;
    const uint64_t q = per_processor(static_cast<double>(s.queries), batches, n, config_);
    // The cycles of one (query, level) lookup: ceil(corners / banks) with corner-parity banking,
    // the busiest bank's corners with index-modulo banking.
    std::vector<double> lookup_cycles(s.levels, static_cast<double>((s.corners + enc.banks() - 1) / enc.banks()));
    if (enc.bank_mapping() == config::INDEX_MODULO) lookup_cycles = index_modulo_lookup_cycles(s, enc.banks());
    // Engines per level: with fewer levels than engines, each level's lookups split over
    // engines / levels of them (16 / L queries at once); with more, engine e takes levels e, e + E, ...
    const std::vector<double> before = engine_load;
    const uint64_t per_level = std::max<uint64_t>(1, enc.engines() / s.levels);
    for (uint64_t l = 0; l < s.levels; ++l)
      for (uint64_t j = 0; j < per_level; ++j) {
        const uint64_t share = q / per_level + (j < q % per_level ? 1 : 0);
        engine_load[(l * per_level + j) % enc.engines()] += static_cast<double>(share) * lookup_cycles[l];
      }
    double cycles = 0;
    for (size_t e = 0; e < engine_load.size(); ++e) cycles = std::max(cycles, engine_load[e] - before[e]);
    // In either mode an SRAM must hold an entry: every lookup reads one from it.
    if (static_cast<double>(enc.grid_sram_bytes()) < s.entry_bytes)
      throw base::InputError(config_.file(), config_.locate({{"encoding"}, {"grid_sram_bytes"}}),
                             "encoding.grid_sram_bytes: " + std::to_string(enc.grid_sram_bytes()) +
                                 " bytes hold no entry of '" + g.name + "' (" + std::to_string(s.entry_bytes) +
                                 " bytes)");
    for (size_t l = 0; l < s.level_entries.size(); ++l) {
      const double level_bytes = static_cast<double>(s.level_entries[l]) * s.entry_bytes;
      if (p.grid_sram_mode() == config::ALL_HIT) {
        table_bytes += level_bytes;
        l2_bytes[g.name] += level_bytes;
        continue;
      }
      const double hit = std::min(1.0, static_cast<double>(enc.grid_sram_bytes()) / level_bytes);
      const double loaded = std::min(level_bytes, static_cast<double>(enc.grid_sram_bytes()));
      const double missed = static_cast<double>(s.queries) * static_cast<double>(s.corners) * (1 - hit) * kMissSectorBytes;
      table_bytes += loaded;
      miss_bytes += missed;
      l2_bytes[g.name] += loaded + missed;
    }
    busy_cycles[g.name] = std::ceil(cycles) * batches;
  }
  for (const auto& e : work.other_encodings) {
    const uint64_t q = per_processor(static_cast<double>(e.queries), batches, n, config_);
    const uint64_t cycles = whole(static_cast<double>(q) / enc.sh_queries_per_cycle(), config_);
    sh_load += static_cast<double>(cycles);
    busy_cycles[e.name] = static_cast<double>(cycles) * batches;
  }
  for (const double load : engine_load) plan.engines.push_back(whole(load, config_));
  plan.sh = whole(sh_load, config_);
  const uint64_t encoding_cycles = std::max(plan.sh, *std::max_element(plan.engines.begin(), plan.engines.end()));
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
                encoding_cycles, whole(static_cast<double>(mlp_cycles), config_),
                whole(fused_rest_s * clock / batches, config_)};
  const bool pipelined = p.overlap() == config::PIPELINED;
  uint64_t frame_cycles = 0;
  sim::RoundPipelineStats stats;
  std::shared_ptr<sim::Timeline> timeline;
  if (timeline_) {
    timeline = std::make_shared<sim::Timeline>();
    timeline->ticks_per_second = clock;
    timeline->add_track("frame");
  }
  if (fidelity == Fidelity::Analytical) {
    frame_cycles = whole(analytical_cycles(plan, pipelined), config_);
  } else {
    stats = simulated(plan, pipelined, fast_forward_, timeline.get());
    frame_cycles = stats.cycles;
  }
  const double frame_s = static_cast<double>(frame_cycles) / clock;
  const double encoding_s = static_cast<double>(encoding_cycles) * batches / clock;
  const double mlp_s = static_cast<double>(mlp_cycles) * batches / clock;
  FramePlan without_gpu = plan;
  without_gpu.stage[3] = 0;
  const double ngpc_s = analytical_cycles(without_gpu, pipelined) / clock;

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
  // Units' busy cycles over the frame; the encoding engines' is their mean.
  double engines_total = 0;
  for (const uint64_t c : plan.engines) engines_total += static_cast<double>(c);
  r.busy_cycles["l2_port"] = static_cast<double>(plan.stage[0]) * batches + static_cast<double>(plan.load);
  r.busy_cycles["encoding_engines"] = engines_total / static_cast<double>(plan.engines.size()) * batches;
  r.busy_cycles["sh_unit"] = static_cast<double>(plan.sh) * batches;
  r.busy_cycles["mlp_engine"] = static_cast<double>(plan.stage[2]) * batches;
  r.busy_cycles["gpu"] = static_cast<double>(plan.stage[3]) * batches;
  if (fidelity == Fidelity::Cycle) {
    r.stats["rounds"] = static_cast<double>(stats.rounds);
    r.stats["rounds_simulated"] = static_cast<double>(stats.rounds_simulated);
  }
  if (timeline) {
    const auto frame = static_cast<double>(frame_cycles);
    timeline->add({"frame", "frame", "phase", 0, frame, {{"cycles", std::to_string(frame_cycles)}}});
    if (fidelity == Fidelity::Analytical)
      // Each unit busy for its share of the frame, then idle.
      for (const auto& [unit, cycles] : r.busy_cycles) {
        const double busy = std::min(cycles, frame);
        if (busy > 0) timeline->add({unit, "busy", "busy", 0, busy, {{"phase", "frame"}}});
        if (busy < frame) timeline->add({unit, "idle", "idle", busy, frame - busy, {{"phase", "frame"}}});
      }
    r.timeline = timeline;
  }
  r.roofline = roofline(p, work, busy_cycles, l2_bytes);
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
