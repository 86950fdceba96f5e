#include "validation/gpu/GpuValidation.h"

#include <algorithm>
#include <numeric>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>

#include "arch/gpu/FrameworkKernels.h"
#include "arch/gpu/FusedKernels.h"
#include "base/Text.h"
#include "base/Format.h"
#include "validation/gpu/KinetoOperators.h"
#include "validation/gpu/MeasuredKernels.h"
#include "validation/gpu/TraceImport.h"
#include "validation/gpu/TraceTable.h"

namespace cascade::validation {
namespace {

// Shared-memory bytes the harness's flash-style attention (neural.cu, flash_attn_fwd_k, head dim
// 64, 64 queries and 4 warps per block) moves for each 64-key tile: the block stages K and V
// (2 x 8 KiB); each warp loads 16 K fragments (8 KiB) and stores its 16 x 64 fp32 scores (4 KiB),
// reads them twice in the softmax (8 KiB), writes P in fp16 (2 KiB), rescales its fp32 output
// rows (read and write, 8 KiB), and per 16 output columns reloads the accumulator (1 KiB), loads
// 4 P and 4 V fragments (4 KiB) and stores the accumulator (1 KiB): 24 KiB.
double harness_attention_smem_bytes(double seq, double blocks) {
  constexpr double kKiB = 1024, kWarps = 4, kKeysPerTile = 64;
  const double per_tile = 16 * kKiB + kWarps * (8 + 4 + 8 + 2 + 8 + 24) * kKiB;
  return per_tile * (seq / kKeysPerTile) * blocks;
}

// neural.csv rows: their own launch configuration; work from the harness's flops and bytes, and the
// traffic its kernels' code implies (above and below).
// A kernel launched again on the data of its previous launch: where its DRAM traffic (what it
// reads and writes) fits in L2's usable part (l2_bytes x l2_usable_fraction), L2 serves it all.
void leave_in_l2(const arch::gpu::GpuModel& model, config::Kernel& k) {
  auto& w = *k.mutable_work();
  if (w.dram_bytes() > model.usable_l2_bytes()) return;
  w.set_l2_bytes(w.l2_bytes() + w.dram_bytes());
  w.set_dram_bytes(0);
  w.set_dram_write_bytes(0);
  w.set_dram_sector_reads(0);
}

std::optional<MeasuredCase> neural_case(const TraceTable& t, size_t row) {
  std::string kind = t.at(row, "class");
  MeasuredCase c;
  c.name = t.at(row, "name");
  c.kind = kind;
  c.source = t.file + ": line " + std::to_string(t.lines[row]);
  c.file = t.file;
  c.line = t.lines[row];
  c.measured_s = t.median_s(row);
  c.measured_j = t.energy_j(row);
  c.measured_period_s = t.window_period_s(row);
  if (kind == "attention_lib") {
    // torch SDPA with a backend forced (sdpa_timing.py): the backend's kernel family, as the
    // profiled calls show (validation/traces/h100/kineto_sdpa_*_fp16.json; "default" ran cuDNN's
    // kernel). CUDA events around each call also time PyTorch's dispatch before the kernel.
    const std::string name = c.name;
    const auto family = name.find("_flash_") != std::string::npos       ? arch::gpu::AttentionKernel::kFlashAttention2
                        : name.find("_efficient_") != std::string::npos ? arch::gpu::AttentionKernel::kMemoryEfficient
                                                                        : arch::gpu::AttentionKernel::kFlashAttention3;
    arch::gpu::AttentionDims d;
    d.heads = t.whole(row, "batch", 1, 65535);
    d.keys = d.queries = t.whole(row, "M", 1, kMaxGemmDimension);
    d.qk_embed = d.v_embed = t.whole(row, "K", 1, 1024);
    c.describe = [d, family](const arch::gpu::GpuModel& model) {
      config::Kernel k = arch::gpu::attention_kernel(d, "fp16", family, model.config().proto().sm_count());
      k.set_host_overhead_us(model.config().proto().timing().framework_call_overhead_us());
      return k;
    };
    return c;
  }
  // ngpc.csv's NeRF step, one row per kernel (the step row itself is their sum, compared as the
  // whole pass of its stage rows; the case keeps its class): the encoding and the MLPs as the
  // grid_encoding and ffmlp rows, the rest below.
  const std::string stage = kind == "nerf_kernel" ? t.at(row, "stage") : std::string();
  if (kind == "nerf_kernel") c.pass = t.file + ": NeRF step at " + t.at(row, "rays") + " rays";
  if (stage == "encoding") kind = "grid_encoding";
  if (stage == "density_mlp" || stage == "color_mlp") kind = "ffmlp";
  if (kind == "nerf_kernel") {
    // The march, the spherical harmonics and the composite as the cascade maps them, one element-
    // wise pass, an element per sample slot, over the bytes the harness's layout moves: the march
    // reads its rays and the occupancy bits (the row's bytes) and writes the valid samples' 28-byte
    // records and a count per ray; the spherical harmonics read each direction out of its 28-byte
    // record (every sector of the records) and write 16 fp16 values; the composite reads a count
    // per ray and, per valid sample, its dt out of its record (a sector each), sigma and three
    // colours (fp16), and writes a float4 per ray.
    const double rays = static_cast<double>(t.whole(row, "rays", 1, uint64_t{1} << 32));
    const double bytes = t.non_negative(row, "bytes"), flops = t.non_negative(row, "flops");
    // An element per sample slot (the march and the composite walk a ray's slots in one thread).
    double elements = rays * static_cast<double>(t.whole(row, "max_samples", 1, 1 << 16)), written = 0, read = 0;
    const double valid = static_cast<double>(t.whole(row, "valid_samples", 0, uint64_t{1} << 40));
    constexpr double kRecordBytes = 28;  // a sample's record: position, direction, dt (7 fp32)
    if (stage == "march") {
      written = valid * kRecordBytes + rays * 4;
      read = bytes - written;
    } else if (stage == "sh_encoding") {
      elements = static_cast<double>(t.whole(row, "points", 1, uint64_t{1} << 40));
      written = elements * 16 * 2;
      read = elements * kRecordBytes;
    } else if (stage == "composite") {
      written = rays * 16;
      read = rays * 4 + valid * (kRecordBytes + 2 + 3 * 2);
    } else {
      throw base::InputError(t.file, {t.lines[row], 0}, "nerf_kernel row of unknown stage '" +
                                                             base::printable(stage) +
                                                             "' (known: march, encoding, density_mlp, sh_encoding, "
                                                             "color_mlp, composite)");
    }
    if (written > bytes)
      throw base::InputError(t.file, {t.lines[row], 0},
                             "bytes (" + std::to_string(bytes) + ") below what the " + stage + " writes");
    const std::string name = c.name;
    if (stage != "march") {
      c.describe = [name, elements, read, written, flops](const arch::gpu::GpuModel&) {
        // A sample slot's direction (the spherical harmonics), or a ray's samples one after
        // another (the composite): one load stream a thread.
        return arch::gpu::vectorized_elementwise_kernel(name, elements, read, written, flops, 1);
      };
      return c;
    }
    // The march at its own launch, a thread per ray. Its lanes walk their own rays, so its memory
    // instructions touch a line a lane, each line a wavefront of the SM's L1 pipeline (a clock of its
    // 128 bytes a clock): each step's occupancy test a lone load (of the 256 KiB bitfield, which L1
    // holds; the walk's instructions take about as long, Nsight Compute's 243 M warp instructions at
    // 2^20 rays), each record's seven words seven scattered stores (KernelWork.scattered_store_operations).
    // Where the records (every sample slot's) outgrow L2's usable part, L2 holds that part of them
    // (as a gathered table's hits) and fills each partial sector of the others from DRAM to merge
    // it and writes it back: a 28-byte record straddles two sectors unless it starts in a sector's
    // first 4 bytes (1.75 a record), and the fills come to one sector a record (Nsight Compute on
    // ngpc_probe.cu's march at 2^18 and 2^20 rays: 0.91 filled and 1.62 written back a record).
    config::Kernel launch;
    set_launch(t, row, launch);
    const double steps = static_cast<double>(t.whole(row, "march_steps_total", 0, uint64_t{1} << 48));
    const double stores = valid * 7;
    c.describe = [name, launch, elements, read, written, flops, steps, stores, valid](const arch::gpu::GpuModel& model) {
      const double spilled = 1 - arch::gpu::hash_grid_l2_hit_fractions(model, {elements * kRecordBytes})[0];
      constexpr double kSectorsWrittenBack = 1.75, kSectorsFilled = 1, kSector = 32;
      const double dram_written = written + spilled * valid * (kSectorsWrittenBack * kSector - kRecordBytes);
      const double dram_read = read + spilled * valid * kSectorsFilled * kSector;
      config::Kernel k = arch::gpu::vectorized_elementwise_kernel(name, elements, dram_read, dram_written, flops, 1);
      *k.mutable_grid() = launch.grid();
      *k.mutable_block() = launch.block();
      k.set_registers_per_thread(launch.registers_per_thread());
      k.mutable_work()->set_smem_bytes(steps * arch::gpu::kLoneSectorL1Bytes);
      k.mutable_work()->set_scattered_store_operations(stores * (1 + spilled));
      return k;
    };
    return c;
  }
  if (kind == "grid_encoding" || kind == "ffmlp") {
    // ngpc.csv (validation/cuda/ngpc.cu): tcnn's grid encodings and fully fused MLPs as the
    // cascades' ENCODING and MLP operators map to them (arch/gpu/FusedKernels.h), at the harness's
    // own launch.
    config::Kernel launch;
    set_launch(t, row, launch);
    if (kind == "grid_encoding") {
      arch::gpu::HashGridDims d;
      d.points = t.whole(row, "points", 1, uint64_t{1} << 40);
      d.levels = static_cast<uint32_t>(t.whole(row, "levels", 1, arch::gpu::kMaxHashGridLevels));
      d.features = static_cast<uint32_t>(t.whole(row, "features", 1, 64));
      d.dims = static_cast<uint32_t>(t.whole(row, "dims", 1, arch::gpu::kMaxHashGridDims));
      // A dense grid stores every level whole: a table as large as all of them hashes none.
      d.table_size = t.at(row, "grid_type") == "hash" ? t.whole(row, "table_size", 1, uint64_t{1} << 32)
                                                      : t.whole(row, "grid_entries", 1, uint64_t{1} << 40);
      d.base_resolution = t.positive(row, "base_res");
      d.per_level_scale = t.positive(row, "growth");
      // The NeRF step's encoding reads each position out of its 28-byte sample record.
      if (stage == "encoding") d.position_bytes = 28;
      c.describe = [launch, d](const arch::gpu::GpuModel& model) {
        config::Kernel k = arch::gpu::hash_grid_encoding_kernel(model, d);
        *k.mutable_grid() = launch.grid();
        *k.mutable_block() = launch.block();
        k.set_registers_per_thread(launch.registers_per_thread());
        return k;
      };
      return c;
    }
    arch::gpu::FusedMlpDims d;
    d.rows = t.whole(row, "rows", 1, uint64_t{1} << 40);
    d.inputs = static_cast<uint32_t>(t.whole(row, "in_width", 16, 1024));
    d.width = static_cast<uint32_t>(t.whole(row, "width", 16, 1024));
    d.hidden_layers = static_cast<uint32_t>(t.whole(row, "layers", 1, 64));
    d.outputs = static_cast<uint32_t>(t.whole(row, "out_width", 16, 1024));
    d.feature_major_output = true;  // ngpc.cu's ffmlp_k writes Y feature by feature
    c.describe = [launch, d](const arch::gpu::GpuModel&) {
      config::Kernel k = arch::gpu::fused_mlp_kernel(d);
      *k.mutable_grid() = launch.grid();
      *k.mutable_block() = launch.block();
      k.set_registers_per_thread(launch.registers_per_thread());
      k.set_dynamic_smem_bytes(launch.dynamic_smem_bytes());
      return k;
    };
    return c;
  }
  if (kind != "hash_grid" && kind != "mlp" && kind != "attention") return std::nullopt;
  config::Kernel k;
  k.set_name(c.name);
  set_launch(t, row, k);
  auto* w = k.mutable_work();
  if (kind == "hash_grid") {
    w->set_fp32_flops(t.non_negative(row, "flops"));
    w->set_ilp(8);
    w->set_bytes_per_access(static_cast<uint32_t>(arch::gpu::kHashGatherSectorBytes));  // a sector per gather
    // As FusedKernels' hash-grid description, with the harness's own levels (neural.cu uses
    // instant-ngp's resolution schedule, 3 dimensions): each corner gather an L2 request, or a DRAM
    // burst where it misses (hash_grid_gather_traffic). The harness's bytes already count
    // positions in, features out and one read of every level's touched entries.
    // Bounds of instant-ngp's encodings, several times over (its levels are at most 32, its
    // tables at most 2^24 entries, its features per level at most 8).
    arch::gpu::HashGridDims d;
    d.points = t.whole(row, "points", 1, uint64_t{1} << 40);
    d.levels = static_cast<uint32_t>(t.whole(row, "levels", 1, arch::gpu::kMaxHashGridLevels));
    d.features = static_cast<uint32_t>(t.whole(row, "features", 1, 64));
    d.table_size = t.whole(row, "table_size", 1, uint64_t{1} << 32);
    d.base_resolution = t.positive(row, "base_res");
    d.per_level_scale = t.positive(row, "growth");
    d.order = arch::gpu::HashGridOrder::kPointMajor;  // hashgrid_fwd_k: level = thread index % levels
    const double bytes = t.non_negative(row, "bytes");
    c.describe = [k, d, bytes](const arch::gpu::GpuModel& model) {
      config::Kernel out = k;
      const arch::gpu::HashGatherTraffic gathers = arch::gpu::hash_grid_gather_traffic(model, d);
      // The harness's bytes count each level's touched entries once; the gathers' own DRAM reads
      // (each touched sector's first, and the misses) take their place.
      out.mutable_work()->set_dram_bytes(std::max(0.0, bytes - gathers.table_bytes) + gathers.dram_bytes);
      out.mutable_work()->set_dram_sector_reads(gathers.dram_sector_reads);
      out.mutable_work()->set_l2_bytes(gathers.l2_bytes);
      out.mutable_work()->set_l2_sector_requests(gathers.requests);
      out.mutable_work()->set_smem_bytes(gathers.l1_bytes);
      return out;
    };
    return c;
  }
  (*w->mutable_tensor_flops())["fp16"] = t.non_negative(row, "flops");
  w->set_warp_mma(true);  // WMMA: warp-level mma.sync
  // What this description of the harness's code misses (dependent mma.sync chains, barriers
  // around each layer's or tile's loads) is fitted as the family's efficiency.
  w->set_family(kind == "mlp" ? "harness_fused_mlp" : "harness_flash_attention");
  w->set_dram_bytes(t.non_negative(row, "bytes"));
  const double blocks = static_cast<double>(k.grid().x());
  // A block loads each layer's weights (or each K/V tile) between barriers, then does the math
  // on them: the loads and the math take turns (neural.cu has no pipeline in either kernel).
  w->set_serial_phases(true);
  if (kind == "mlp")
    w->set_smem_bytes(arch::gpu::fused_mlp_smem_bytes({0, static_cast<uint32_t>(t.whole(row, "width", 16, 1024)),
                                                       static_cast<uint32_t>(t.whole(row, "width", 16, 1024)),
                                                       static_cast<uint32_t>(t.whole(row, "layers", 0, 64)), 16},
                                                      blocks));
  if (kind == "attention") {
    const double seq = static_cast<double>(t.whole(row, "seq", 1, uint64_t{1} << 32)),
                 // Every (batch, head) has blocks of its own: the others' re-reads come from L2.
                 bh = static_cast<double>(t.whole(row, "bh", 1, k.grid().x()));
    w->set_smem_bytes(harness_attention_smem_bytes(seq, blocks));
    // One exponential per score; every block reads all of its head's K and V (fp16, 64 wide),
    // from DRAM once per head and from L2 for the other query tiles.
    w->set_sfu_ops(seq * seq * bh);
    w->set_l2_bytes(2 * seq * 64 * 2 * (blocks - bh));
  }
  c.describe = [k](const arch::gpu::GpuModel&) { return k; };
  return c;
}

}  // namespace

void cases_from_kineto(const ImportResult& imported, const std::string& file, std::vector<MeasuredCase>& cases,
                       std::vector<std::string>& skipped, TraceCoverage* coverage) {
  for (const auto& p : imported.problems) skipped.push_back(p);
  // Repeated launches of one kernel on the same inputs are one case (its median duration), so
  // that a calibration split cannot put copies of a kernel on both sides.
  std::map<std::string, size_t> seen;
  std::vector<std::vector<double>> durations;
  const size_t first = cases.size();
  for (const auto& run : imported.traces.run()) {
    const std::string op = run.operator_name();
    const auto& g = run.kernel().grid();
    std::string key = run.name() + "|" + op + "|" + run.input_shapes() + "|" + std::to_string(g.x()) + "x" +
                      std::to_string(g.y()) + "x" + std::to_string(g.z());
    for (const auto& v : run.concrete_inputs()) key += "|" + v;
    if (const auto it = seen.find(key); it != seen.end()) {
      durations[it->second].push_back(run.duration_s());
      ++cases[first + it->second].launches;
      continue;
    }
    std::string why;
    auto described = describe_traced_kernel(run, why);
    if (!described) {
      skipped.push_back(run.source() + ": " + why);
      continue;
    }
    MeasuredCase c;
    c.name = run.name();
    c.kind = described->kind;
    c.describe = std::move(described->describe);
    c.source = file;
    c.pass = file;  // whole passes are summed per file
    c.file = file;
    c.line = static_cast<int>(run.line());
    c.device_time_only = true;
    c.measured_s = run.duration_s();
    seen[key] = durations.size();
    durations.push_back({run.duration_s()});
    cases.push_back(std::move(c));
  }
  if (coverage) {
    for (const auto& run : imported.traces.run()) coverage->all_s += run.duration_s();
    for (const auto& v : durations)
      for (const double d : v) coverage->described_s += d;
  }
  for (size_t i = 0; i < durations.size(); ++i) {
    auto& v = durations[i];
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    cases[first + i].measured_s = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    cases[first + i].measured_total_s = std::accumulate(v.begin(), v.end(), 0.0);
  }
}

void cases_from_table(const TraceTable& t, std::vector<MeasuredCase>& cases) {
  const std::string& file = t.file;
  if (t.has_column("table_size")) {
    // Without rotated inputs (`inputs_rotation: none`), each timed launch and each launch of an
    // energy window follows one on the same data: what fits in L2 is still there
    // (leave_in_l2).
    const auto rotation = t.meta.find("inputs_rotation");
    const bool warm = rotation != t.meta.end() && rotation->second.rfind("none", 0) == 0;
    for (size_t row = 0; row < t.rows.size(); ++row)
      if (auto c = neural_case(t, row)) {
        if (warm)
          c->describe = [describe = c->describe](const arch::gpu::GpuModel& model) {
            config::Kernel k = describe(model);
            leave_in_l2(model, k);
            return k;
          };
        cases.push_back(std::move(*c));
      }
    return;
  }
  // kernels.csv: the same descriptions as MeasuredKernels, remade for each model; each row's
  // numbers checked now, so that a bad row is found before any model runs.
  for (size_t row = 0; row < t.rows.size(); ++row) {
    const std::string kind = t.at(row, "class");
    if (kind != "stream" && kind != "fma" && kind != "gemm") continue;
    if (kind == "gemm") {
      for (const char* dim : {"M", "N", "K"}) t.whole(row, dim, 1, kMaxGemmDimension);
      t.whole(row, "batch", 1, 65535);
    } else {
      config::Kernel launch;
      set_launch(t, row, launch);
      t.non_negative(row, "flops");
      t.non_negative(row, "bytes");
      if (kind == "fma") t.whole(row, "ilp", 1, 1 << 16);
    }
    MeasuredCase c;
    c.name = t.at(row, "name");
    c.kind = kind;
    c.source = file + ": line " + std::to_string(t.lines[row]);
    c.file = file;
    c.line = t.lines[row];
    c.measured_s = t.median_s(row);
    c.measured_j = t.energy_j(row);
    c.measured_period_s = t.window_period_s(row);
    auto table = std::make_shared<TraceTable>();
    table->file = t.file;
    table->columns = t.columns;
    table->rows = {t.rows[row]};
    table->lines = {t.lines[row]};
    c.describe = [table](const arch::gpu::GpuModel& model) {
      return measured_kernels(*table, model).front().launches.front();
    };
    if (kind == "gemm")
      c.describe_call = [table](const arch::gpu::GpuModel& model) {
        return measured_kernels(*table, model).front().launches;
      };
    cases.push_back(std::move(c));
  }
}

namespace {

// The cases of one trace file, appended to `cases`.
void load_file(const std::string& file, std::vector<MeasuredCase>& cases, std::vector<std::string>& skipped,
               std::map<std::string, TraceCoverage>* coverage) {
  if (file.size() > 5 && file.substr(file.size() - 5) == ".json") {
    const ImportResult imported = import_kineto_json(file);
    cases_from_kineto(imported, file, cases, skipped, coverage ? &(*coverage)[file] : nullptr);
  } else {
    cases_from_table(read_trace_table(file), cases);
  }
}

}  // namespace

std::vector<MeasuredCase> load_measured_cases(const std::vector<std::string>& files,
                                              std::vector<std::string>& skipped,
                                              std::map<std::string, TraceCoverage>* coverage) {
  std::vector<MeasuredCase> cases;
  for (const auto& file : files) {
    const size_t before = cases.size(), skipped_before = skipped.size();
    load_file(file, cases, skipped, coverage);
    if (cases.size() == before)
      throw base::InputError(file, {},
                             "no measured kernel to compare: expected the harness's kernels.csv, neural.csv or ngpc.csv "
                             "rows (classes stream, fma, gemm, hash_grid, mlp, attention, attention_lib, grid_encoding, "
                             "ffmlp, nerf_kernel) or Kineto "
                             "kernel events launched by operators the model describes" +
                                 (skipped.size() > skipped_before
                                      ? "; " + std::to_string(skipped.size() - skipped_before) +
                                            " skipped, the first: " + skipped[skipped_before]
                                      : std::string()));
  }
  return cases;
}

std::vector<config::Kernel> launches_of(const MeasuredCase& c, const arch::gpu::GpuModel& model) {
  if (c.describe_call) return c.describe_call(model);
  return {c.describe(model)};
}

ValidationReport compare_with_model(const arch::gpu::GpuModel& model,
                                    const std::vector<MeasuredCase>& cases,
                                    const std::vector<size_t>* indices) {
  ValidationReport r;
  std::vector<size_t> all;
  if (!indices) {
    for (size_t i = 0; i < cases.size(); ++i) all.push_back(i);
    indices = &all;
  }
  // Sums of absolute relative errors and counts, by class and for "all".
  using Errors = std::map<std::string, std::pair<double, int>>;
  Errors rt, en, long_rt, long_en;
  const auto add = [](Errors& to, const std::string& key, double error) {
    to[key].first += error;
    ++to[key].second;
  };
  for (size_t i : *indices) {
    const MeasuredCase& c = cases[i];
    arch::gpu::GpuModel::Estimate e;
    try {
      e = model.estimate_call(launches_of(c, model));
    } catch (const base::InputError& error) {
      // The model refuses the kernel the row or event describes: the trace's fault, at its line
      // (unless the error is already placed, or is the GPU config's).
      if (error.pos().line > 0 || error.file() == model.config().file()) throw;
      throw base::InputError(c.file, {c.line, 0}, c.name + ": " + error.file() + ": " + error.message());
    }
    r.kernels.push_back({c.name, c.kind, c.source, c.measured_s,
                         c.device_time_only ? e.timing.in_pass_s : e.timing.seconds, c.measured_j,
                         c.measured_j > 0 ? e.timing.energy_j : 0});
    const auto& k = r.kernels.back();
    if (!c.pass.empty()) {
      r.passes[c.pass].first += k.predicted_s * c.launches;
      r.passes[c.pass].second += c.measured_total_s > 0 ? c.measured_total_s : k.measured_s * c.launches;
      r.pass_kernel_mape[c.pass].first += std::abs(k.predicted_s / k.measured_s - 1);
      ++r.pass_kernel_mape[c.pass].second;
    }
    const bool long_kernel = k.measured_s >= kLongKernelSeconds;
    for (const std::string& key : {k.kind, std::string("all")}) {
      const double time_error = std::abs(k.predicted_s / k.measured_s - 1);
      add(rt, key, time_error);
      if (long_kernel) add(long_rt, key, time_error);
      if (k.measured_j > 0) {
        const double energy_error = std::abs(k.predicted_j / k.measured_j - 1);
        add(en, key, energy_error);
        if (long_kernel) add(long_en, key, energy_error);
      }
    }
  }
  for (auto& [file, v] : r.pass_kernel_mape) v.first = 100 * v.first / v.second;
  const auto mape = [](const Errors& from, std::map<std::string, double>& to) {
    for (const auto& [key, v] : from) to[key] = 100 * v.first / v.second;
  };
  mape(rt, r.runtime_mape);
  mape(en, r.energy_mape);
  mape(long_rt, r.long_runtime_mape);
  mape(long_en, r.long_energy_mape);
  return r;
}

ValidationReport validate_gpu_model(const arch::gpu::GpuModel& model,
                                    const std::vector<std::string>& files) {
  std::vector<std::string> skipped;
  std::map<std::string, TraceCoverage> coverage;
  const auto cases = load_measured_cases(files, skipped, &coverage);
  ValidationReport r = compare_with_model(model, cases);
  r.skipped = std::move(skipped);
  r.coverage = std::move(coverage);
  return r;
}

std::string format_validation(const ValidationReport& r) {
  std::ostringstream out;
  out << "kernel                                    class         measured_us  predicted_us  ratio  measured_mJ  "
         "predicted_mJ  ratio\n";
  for (const auto& k : r.kernels) {
    out << base::format("%-41.41s %-12s %12.2f %13.2f %6.2f", k.name.c_str(), k.kind.c_str(),
                  k.measured_s * 1e6, k.predicted_s * 1e6, k.predicted_s / k.measured_s);
    if (k.measured_j > 0) {
      out << base::format(" %12.4f %13.4f %6.2f", k.measured_j * 1e3, k.predicted_j * 1e3,
                    k.predicted_j / k.measured_j);
    }
    out << "\n";
  }
  // A line of MAPE by class; the long kernels' only where there are such kernels.
  const auto by_class = [&out](const std::string& label, const std::map<std::string, double>& mape,
                               bool even_empty = false) {
    if (mape.empty() && !even_empty) return;
    out << label;
    for (const auto& [key, v] : mape) out << base::format("  %s %.1f%%", key.c_str(), v);
    out << "\n";
  };
  out << "\n";
  by_class("runtime MAPE by class:", r.runtime_mape, true);
  by_class("energy-per-launch MAPE by class:", r.energy_mape, true);
  const std::string at_least = base::format("kernels of at least %.0f us", kLongKernelSeconds * 1e6);
  by_class(at_least + ", runtime MAPE:", r.long_runtime_mape);
  by_class(at_least + ", energy MAPE:", r.long_energy_mape);
  for (const auto& [file, pass] : r.passes) {
    const auto& kernels = r.pass_kernel_mape.at(file);
    out << base::format("whole pass %s: predicted %.1f us, measured %.1f us (%+.1f%%); per-kernel MAPE %.1f%% (%d kernels)\n",
                  file.c_str(), pass.first * 1e6, pass.second * 1e6, 100 * (pass.first / pass.second - 1),
                  kernels.first, kernels.second);
  }
  for (const auto& [file, c] : r.coverage)
    out << base::format("coverage %s: %.1f of %.1f us of kernel time described (%.1f%%)\n", file.c_str(),
                        c.described_s * 1e6, c.all_s * 1e6, c.all_s > 0 ? 100 * c.described_s / c.all_s : 0.0);
  for (const auto& s : r.skipped) out << "skipped: " << s << "\n";
  return out.str();
}

}  // namespace cascade::validation
