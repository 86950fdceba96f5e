#include "arch/gpu/GpuModel.h"

#include <cmath>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "base/CheckedMath.h"
#include "base/Format.h"
#include "base/InputError.h"

namespace cascade::arch::gpu {
namespace {

GpuTiming timing_of(const config::GpuArch& a) {
  GpuTiming t;
  t.sms = a.sm_count();
  t.sm_clock_hz = a.clocks().sm_boost_mhz() * 1e6;
  t.schedulers_per_sm = a.limits().sub_partitions();
  const auto fraction = [](double f) { return f > 0 ? f : 1.0; };
  t.fp32_flops_per_s = 2 * a.peak().fp32_fma_per_second() * fraction(a.timing().fp32_efficiency());
  t.sfu_ops_per_s = a.peak().sfu_ops_per_second();
  t.smem_bytes_per_s_per_sm = a.timing().smem_bytes_per_clock_per_sm() * t.sm_clock_hz;
  for (const auto& [type, rate] : a.peak().tensor_flops_per_second()) {
    const auto it = a.timing().tensor_efficiency().find(type);
    t.tensor_flops_per_s[type] = rate * fraction(it == a.timing().tensor_efficiency().end() ? 0 : it->second);
  }
  t.dram_bytes_per_s = a.memory().dram_bandwidth_bytes_per_second() * fraction(a.timing().dram_efficiency());
  t.l2_bytes_per_s = a.memory().l2_bandwidth_bytes_per_second();
  t.dram_latency_s = a.timing().dram_latency_ns() * 1e-9;
  t.fma_latency_cycles = a.timing().fma_latency_cycles();
  t.issue_knee_exponent = a.timing().issue_knee_exponent();
  t.tensor_warps_to_saturate = a.timing().tensor_warps_to_saturate();
  t.warp_mma_efficiency = fraction(a.timing().warp_mma_efficiency());
  for (const auto& [family, efficiency] : a.timing().kernel_family_efficiency())
    t.family_efficiency[family] = efficiency;
  for (const auto& [family, watts] : a.timing().kernel_family_watts()) t.family_watts[family] = watts;
  t.launch_overhead_s = a.timing().launch_overhead_us() * 1e-6;
  t.idle_power_w = a.power().idle_watts();
  t.busy_power_w = a.timing().busy_watts();
  t.pj_per_fp32_flop = a.timing().pj_per_fp32_flop();
  t.pj_per_tensor_flop = a.timing().pj_per_tensor_flop();
  t.pj_per_dram_byte = a.timing().pj_per_dram_byte();
  t.pj_per_l2_byte = a.timing().pj_per_l2_byte();
  t.pj_per_smem_byte = a.timing().pj_per_smem_byte();
  t.pj_per_sfu_op = a.timing().pj_per_sfu_op();
  t.back_to_back_gap_s = a.timing().back_to_back_gap_us() * 1e-6;
  t.launch_issue_s = a.timing().launch_issue_us() * 1e-6;
  t.block_launch_s = a.timing().block_launch_ns() * 1e-9;
  t.kernel_floor_s = a.timing().kernel_floor_ns() * 1e-9;
  t.first_launch_s = a.timing().first_launch_ns() * 1e-9;
  t.idle_dram_latency_s = a.timing().idle_dram_latency_ns() * 1e-9;
  if (a.timing().l2_lone_sector_bytes() > 0) t.l2_lone_sector_bytes = a.timing().l2_lone_sector_bytes();
  if (a.timing().dram_lone_sector_bytes() > 0) t.dram_lone_sector_bytes = a.timing().dram_lone_sector_bytes();
  return t;
}

}  // namespace

GpuModel::GpuModel(GpuArchConfig config)
    : config_(std::move(config)), occupancy_(config_.occupancy_calculator()), timing_(timing_of(config_.proto())) {}

double GpuModel::usable_l2_bytes() const {
  const double usable = config_.proto().timing().l2_usable_fraction();
  return static_cast<double>(config_.proto().memory().l2_bytes()) * (usable > 0 ? usable : 1.0);
}

Occupancy GpuModel::occupancy_of(const config::Kernel& kernel) const {
  KernelResources r;
  r.threads_per_block = block_threads(kernel);
  r.registers_per_thread = kernel.registers_per_thread();
  r.static_smem_bytes = kernel.static_smem_bytes();
  r.dynamic_smem_bytes = kernel.dynamic_smem_bytes();
  // A kernel with more than the default 48 KB of dynamic shared memory has opted in to it.
  if (kernel.static_smem_bytes() + kernel.dynamic_smem_bytes() >
      config_.proto().limits().shared_memory_per_block_bytes())
    r.max_dynamic_smem_bytes = kernel.dynamic_smem_bytes();
  return occupancy_.compute(r);
}

std::optional<GpuModel::Problem> GpuModel::problem(const config::Kernel& k) const {
  using Path = std::vector<base::TextProtoFile::Step>;
  // Every number of the kernel, field by field: estimate() is on every sweep's and calibration's
  // hot path, where a reflection walk (base::find_bad_number) would cost twice the timing itself.
  // A test sets each floating-point field of Kernel and KernelWork in turn, so none is missed.
  const auto bad = [](double v) { return !base::is_finite_non_negative(v); };
  const auto number_problem = [](const std::string& field, double v) {
    return base::BadNumber{{}, field, v}.message();
  };
  // One KernelWork's numbers and what this GPU must have for them, at `at` (work or phases[i]).
  const auto work_problem = [&](const config::KernelWork& w, const Path& at,
                                const std::string& label) -> std::optional<Problem> {
    const std::pair<const char*, double> numbers[] = {
        {"fp32_flops", w.fp32_flops()},
        {"dram_bytes", w.dram_bytes()},
        {"l2_bytes", w.l2_bytes()},
        {"smem_bytes", w.smem_bytes()},
        {"smem_conflict_bytes", w.smem_conflict_bytes()},
        {"bytes_in_flight_per_block", w.bytes_in_flight_per_block()},
        {"peak_fraction", w.peak_fraction()},
        {"seconds_per_block", w.seconds_per_block()},
        {"sfu_ops", w.sfu_ops()},
        {"l2_sector_requests", w.l2_sector_requests()},
        {"dram_write_bytes", w.dram_write_bytes()},
        {"exposed_round_trips", w.exposed_round_trips()},
        {"dram_sector_reads", w.dram_sector_reads()},
        {"busiest_block_factor", w.busiest_block_factor()},
        {"scattered_store_operations", w.scattered_store_operations()},
        {"dependent_accesses", w.dependent_accesses()},
        {"instructions_after_loads", w.instructions_after_loads()},
    };
    const auto here = [&](const char* field) {
      Path p = at;
      p.push_back({field});
      return p;
    };
    for (const auto& [field, value] : numbers)
      if (bad(value)) return Problem{here(field), number_problem(label + "." + field, value)};
    for (const auto& [type, flops] : w.tensor_flops()) {
      if (bad(flops))
        return Problem{here("tensor_flops"), number_problem(label + ".tensor_flops[\"" + type + "\"]", flops)};
      const auto rate = timing_.tensor_flops_per_s.find(type);
      if (flops > 0 && (rate == timing_.tensor_flops_per_s.end() || rate->second <= 0))
        return Problem{here("tensor_flops"), label + ".tensor_flops: " + config_.label() +
                                                 " has no tensor-core rate for data type '" + type +
                                                 "' (its peak.tensor_flops_per_second)"};
    }
    if (w.sfu_ops() > 0 && timing_.sfu_ops_per_s <= 0)
      return Problem{here("sfu_ops"), label + ".sfu_ops: " + config_.label() +
                                          " gives no special-function rate (peak.sfu_ops_per_second)"};
    for (const auto& [field, value] : {std::pair<const char*, double>{"smem_bytes", w.smem_bytes()},
                                       {"smem_conflict_bytes", w.smem_conflict_bytes()}})
      if (value > 0 && timing_.smem_bytes_per_s_per_sm <= 0)
        return Problem{here(field), label + "." + field + ": " + config_.label() +
                                        " gives no shared-memory bandwidth (timing.smem_bytes_per_clock_per_sm)"};
    if (w.peak_fraction() > 1) return Problem{here("peak_fraction"), label + ".peak_fraction is a fraction: at most 1"};
    if (w.busiest_block_factor() != 0 && w.busiest_block_factor() < 1)
      return Problem{here("busiest_block_factor"), label + ".busiest_block_factor is the busiest block's work over "
                                                           "the mean: at least 1 (or 0 for 1)"};
    if (w.exposed_round_trips() > 1e6)
      return Problem{here("exposed_round_trips"), label + ".exposed_round_trips: more than 10^6"};
    if (w.dependent_accesses() > 1e6)
      return Problem{here("dependent_accesses"), label + ".dependent_accesses: more than 10^6"};
    if (w.instructions_after_loads() > 1e9)
      return Problem{here("instructions_after_loads"), label + ".instructions_after_loads: more than 10^9"};
    return std::nullopt;
  };
  if (auto p = work_problem(k.work(), Path{{"work"}}, "work")) return p;
  if (k.phases_size() > kMaxKernelPhases)
    return Problem{Path{{"phases"}}, "phases: " + std::to_string(k.phases_size()) + " parts, more than " +
                                         std::to_string(kMaxKernelPhases)};
  for (int i = 0; i < k.phases_size(); ++i)
    if (auto p = work_problem(k.phases(i), Path{{"phases", i}}, "phases[" + std::to_string(i) + "]")) return p;
  if (bad(k.host_overhead_us())) return Problem{Path{{"host_overhead_us"}}, number_problem("host_overhead_us", k.host_overhead_us())};
  // CUDA's limits on a launch (cudaDeviceProp maxGridSize and maxThreadsDim on every part since
  // compute capability 3.0).
  const std::tuple<const char*, const char*, uint32_t, uint32_t> dims[] = {
      {"grid", "x", k.grid().x(), (1u << 31) - 1}, {"grid", "y", k.grid().y(), 65535},
      {"grid", "z", k.grid().z(), 65535},          {"block", "x", k.block().x(), 1024},
      {"block", "y", k.block().y(), 1024},         {"block", "z", k.block().z(), 64}};
  for (const auto& [which, axis, value, most] : dims)
    if (value > most)
      return Problem{Path{{which}, {axis}}, std::string(which) + "." + axis + " of " + std::to_string(value) +
                                                " is above CUDA's limit of " + std::to_string(most)};
  return std::nullopt;
}

GpuModel::Estimate GpuModel::estimate(const config::Kernel& kernel, bool record_schedule) const {
  if (const auto p = problem(kernel)) throw base::InputError("kernel '" + kernel.name() + "'", {}, p->message);
  Estimate e;
  e.occupancy = occupancy_of(kernel);
  if (e.occupancy.blocks_per_sm == 0)
    throw base::InputError("kernel '" + kernel.name() + "'", {}, e.occupancy.cannot_launch);
  // Rates that are positive but far too low for the work (1e-300 bytes a second) give times
  // beyond a double: the config's fault, not a number to print.
  const auto never = [&] {
    return base::InputError(config_.file(), {},
                            "kernel '" + kernel.name() + "' would take longer than any finite time at " +
                                config_.label() + "'s rates (a rate of the config is far too low)");
  };
  try {
    e.timing = time_kernel(timing_, kernel, static_cast<uint32_t>(e.occupancy.blocks_per_sm),
                           static_cast<uint32_t>(e.occupancy.max_warps_per_sm), record_schedule);
  } catch (const std::domain_error&) {
    throw never();
  }
  if (!std::isfinite(e.timing.seconds) || !std::isfinite(e.timing.energy_j) || !std::isfinite(e.timing.period_s))
    throw never();
  return e;
}

config::Kernel GpuModel::gemm_kernel_with(const config::GemmTile& tile, uint64_t m, uint64_t n,
                                         uint64_t k, uint64_t batch, const std::string& dtype) const {
  const std::string name = "gemm_" + std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k) + "_" + dtype;
  if (m == 0 || n == 0 || k == 0 || batch == 0)
    throw base::InputError(name, {}, "a GEMM needs M, N, K and the batch of at least 1 (M " + std::to_string(m) +
                                         ", N " + std::to_string(n) + ", K " + std::to_string(k) + ", batch " +
                                         std::to_string(batch) + ")");
  // Beyond these the launch exceeds CUDA's grid (the checks below), and the products stay exact.
  constexpr uint64_t kMaxDimension = uint64_t{1} << 40;
  if (m > kMaxDimension || n > kMaxDimension || k > kMaxDimension || batch > kMaxDimension)
    throw base::InputError(name, {}, "a GEMM dimension above 2^40");
  const double element = dtype_element_bytes(dtype);
  const uint64_t tiles_m = (m + tile.tile_m() - 1) / tile.tile_m();
  const uint64_t tiles_n = (n + tile.tile_n() - 1) / tile.tile_n();
  // The library's grid: tile columns along x, tile rows along y, batches (and K slices) along z;
  // more tile rows than y holds (a tall, narrow GEMM: an MLP over millions of queries) and the
  // library computes the transposed product C^T = B^T A^T, the rows along x: the same work.
  const bool rows_on_x = tiles_m > 65535 && tiles_n <= 65535;
  const uint64_t grid_x = rows_on_x ? tiles_m : tiles_n, grid_y = rows_on_x ? tiles_n : tiles_m;
  if (grid_x > (1u << 31) - 1 || grid_y > 65535 || batch > 65535)
    throw base::InputError(name, {}, "the GEMM needs a grid of " + std::to_string(grid_x) + " x " +
                                         std::to_string(grid_y) + " x " + std::to_string(batch) +
                                         " blocks, beyond CUDA's limits (2^31 - 1 x 65535 x 65535)");
  config::Kernel kernel;
  kernel.set_name(name);
  kernel.set_kind("gemm");
  kernel.set_host_overhead_us(config_.proto().timing().library_call_overhead_us());
  kernel.mutable_block()->set_x(tile.threads());
  kernel.set_registers_per_thread(tile.registers_per_thread());
  kernel.set_dynamic_smem_bytes(tile.smem_bytes());
  // Split-K, as the library does when the output tiles cannot fill the GPU: K is cut into slices
  // (at least the tile's split_k_min_depth deep) run by their own blocks, at most one wave of the
  // tile's blocks in all (the SMs times the blocks of the tile an SM holds), whose FP32 partial
  // results a second kernel sums (split_k_reduction_kernel).
  const uint64_t slots = static_cast<uint64_t>(config_.proto().sm_count()) *
                         static_cast<uint64_t>(std::max(1, occupancy_of(kernel).blocks_per_sm));
  const uint64_t output_blocks = tiles_m * tiles_n * batch;  // below 2^63: the grid was checked
  const uint64_t min_depth = tile.split_k_min_depth() > 0 ? tile.split_k_min_depth() : 256;
  // The K slices share the grid's z with the batches.
  const uint64_t split =
      output_blocks < slots
          ? std::max<uint64_t>(1, std::min<uint64_t>({slots / output_blocks, k / min_depth, 65535 / batch}))
          : 1;
  kernel.mutable_grid()->set_x(static_cast<uint32_t>(grid_x));
  kernel.mutable_grid()->set_y(static_cast<uint32_t>(grid_y));
  kernel.mutable_grid()->set_z(static_cast<uint32_t>(batch * split));
  auto* w = kernel.mutable_work();
  // Partial edge tiles still run whole: the work is that of the padded problem.
  const double padded_flops = 2.0 * static_cast<double>(tiles_m * tile.tile_m()) *
                              static_cast<double>(tiles_n * tile.tile_n()) * static_cast<double>(k) *
                              static_cast<double>(batch);
  if (tile.tensor_cores())
    (*w->mutable_tensor_flops())[dtype] = padded_flops;
  else
    w->set_fp32_flops(padded_flops);
  const double a = static_cast<double>(m) * static_cast<double>(k), b = static_cast<double>(k) * static_cast<double>(n),
               c = static_cast<double>(m) * static_cast<double>(n);
  // Split, the slices write their FP32 partial results for the reduction kernel to sum
  // (split_k_reduction_kernel); whole, the tiles write C.
  const double written = split > 1 ? static_cast<double>(split) * c * 4 : c * element;
  w->set_dram_bytes(static_cast<double>(batch) * ((a + b) * element + written));
  w->set_dram_write_bytes(static_cast<double>(batch) * written);
  // Each tile row reads its A panel and each tile column its B panel: re-reads beyond the first
  // come from L2.
  w->set_l2_bytes(static_cast<double>(batch) *
                  (a * element * static_cast<double>(tiles_n - 1) + b * element * static_cast<double>(tiles_m - 1)));
  // Each thread accumulates its share of the tile's outputs, every one an independent chain.
  w->set_ilp(static_cast<uint32_t>(std::max<uint64_t>(1, uint64_t{tile.tile_m()} * tile.tile_n() / tile.threads())));
  // The shared-memory pipeline keeps its stages of operand tiles in flight.
  w->set_bytes_in_flight_per_block(tile.smem_bytes());
  // A tile's math starts when its first operand stages arrive, one DRAM round trip.
  w->set_exposed_round_trips(1);
  // A tile's prologue and epilogue instructions beside its main loop's: the loop's FMAs (a thread's
  // share of the tile's outputs times its K slice) issue at the loop's peak fraction, the rest of
  // the tile's instructions take issue slots of their own.
  if (const double fixed = tile.tile_instructions_per_thread(); fixed > 0) {
    const double loop_fraction = tile.peak_fraction() > 0 ? tile.peak_fraction() : 1.0;
    const double fmas_per_thread = static_cast<double>(tile.tile_m()) * static_cast<double>(tile.tile_n()) *
                                   std::ceil(static_cast<double>(k) / static_cast<double>(split)) / tile.threads();
    w->set_peak_fraction(fmas_per_thread / (fmas_per_thread / loop_fraction + fixed));
  } else {
    w->set_peak_fraction(tile.peak_fraction());
  }
  w->set_family(tile.family());
  return kernel;
}

std::vector<config::Kernel> GpuModel::gemm_call_with(const config::GemmTile& tile, uint64_t m, uint64_t n,
                                                    uint64_t k, uint64_t batch, const std::string& dtype) const {
  std::vector<config::Kernel> call;
  call.push_back(gemm_kernel_with(tile, m, n, k, batch, dtype));
  const uint64_t split = call.front().grid().z() / batch;
  if (split > 1) call.push_back(split_k_reduction_kernel(call.front().name(), m, n, batch, split, dtype));
  return call;
}

config::Kernel GpuModel::gemm_kernel(uint64_t m, uint64_t n, uint64_t k, uint64_t batch,
                                     const std::string& dtype) const {
  std::vector<config::Kernel> call = gemm_call(m, n, k, batch, dtype);
  return std::move(call.front());
}

std::vector<config::Kernel> GpuModel::gemm_call(uint64_t m, uint64_t n, uint64_t k, uint64_t batch,
                                                const std::string& dtype) const {
  // Aligned GEMMs use the tiles that need alignment where the type has any; the others the rest.
  const bool aligned = m % 8 == 0 && n % 8 == 0 && k % 8 == 0;
  bool type_has_aligned_tiles = false;
  for (const auto& t : config_.proto().gemm_tile())
    type_has_aligned_tiles = type_has_aligned_tiles || (t.dtype() == dtype && t.needs_alignment());
  // The library picks the kernel its heuristics expect to be fastest; here: the fastest by this
  // model among the config's tiles for the type.
  std::optional<std::vector<config::Kernel>> best;
  double best_seconds = 0;
  for (const auto& t : config_.proto().gemm_tile()) {
    if (t.dtype() != dtype || t.needs_alignment() != (aligned && type_has_aligned_tiles)) continue;
    std::vector<config::Kernel> candidate = gemm_call_with(t, m, n, k, batch, dtype);
    const double seconds = estimate_call(candidate).timing.seconds;
    if (!best || seconds < best_seconds) {
      best = std::move(candidate);
      best_seconds = seconds;
    }
  }
  if (!best)
    throw base::InputError(config_.file(), {},
                                "no gemm_tile for data type '" + dtype + "' (GEMMs of it cannot be mapped)");
  return std::move(*best);
}

GpuModel::Estimate GpuModel::estimate_call(const std::vector<config::Kernel>& launches) const {
  if (launches.empty()) throw std::invalid_argument("estimate_call: a call launches at least one kernel");
  Estimate e = estimate(launches.front());
  KernelTiming& t = e.timing;
  for (size_t i = 1; i < launches.size(); ++i) {
    const KernelTiming next = estimate(launches[i]).timing;
    const double after = timing_.back_to_back_gap_s + next.device_s;
    t.seconds += after;
    t.makespan_s += after;
    t.device_s += after;
    t.in_pass_s += after;
    t.period_s += next.period_s;
    t.energy_j += next.energy_j;
  }
  return e;
}

double dtype_element_bytes(const std::string& dtype) {
  return dtype == "fp32" || dtype == "tf32" ? 4 : dtype == "fp8" ? 1 : 2;
}

config::Kernel split_k_reduction_kernel(const std::string& gemm_name, uint64_t m, uint64_t n, uint64_t batch,
                                        uint64_t split, const std::string& dtype) {
  const std::string name = gemm_name + "_splitk_reduce";
  if (m == 0 || n == 0 || batch == 0 || split < 2)
    throw base::InputError(name, {}, "a split-K reduction needs M, N and the batch of at least 1 and 2 slices or more");
  constexpr uint64_t kThreads = 512;
  const double outputs = static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(batch);
  const double blocks = std::ceil(outputs / kThreads);
  if (blocks > (1u << 31) - 1)
    throw base::InputError(name, {}, "the split-K reduction needs " + base::format("%.3g", blocks) +
                                         " blocks, beyond CUDA's 2^31 - 1");
  const double out_element = dtype_element_bytes(dtype);
  config::Kernel kernel;
  kernel.set_name(name);
  kernel.set_kind("reduction");
  kernel.mutable_grid()->set_x(static_cast<uint32_t>(blocks));
  kernel.mutable_block()->set_x(kThreads);
  kernel.set_registers_per_thread(32);  // [I] a sum and its addresses: far from limiting occupancy
  auto* w = kernel.mutable_work();
  const double slices = static_cast<double>(split);
  // Each output: its slices' sum (split - 1 adds) and the scaling by alpha.
  w->set_dram_bytes(outputs * (slices * 4 + out_element));
  w->set_dram_write_bytes(outputs * out_element);
  w->set_fp32_flops(outputs * slices);
  w->set_ilp(static_cast<uint32_t>(std::min<uint64_t>(split, 64)));
  w->set_bytes_per_access(4);
  return kernel;
}

}  // namespace cascade::arch::gpu
