#include "arch/gpu/KernelTimer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace cascade::arch::gpu {
namespace {

uint64_t dim(uint32_t v) { return v == 0 ? 1 : v; }

// The L2 slices' time beyond the bytes a kernel moves through L2, in bytes at the L2 bandwidth: the
// tag lookups of its lone sector requests and of the fills of what it reads from DRAM (one a lone
// sector read, one a 128-byte line of its other reads), each l2_lone_sector_bytes less a sector's
// 32 bytes of data. Its time counts it as L2 bytes (the energy counts the bytes moved). Nsight
// Compute on the H200 (validation/traces/h200/): L2 looks up 2.04 tags a load where random lone
// loads all miss (memory_probe_gather_ncu.csv, 2 GiB), 1.0 to 1.07 more than its lone requests a
// sector read from DRAM in the hash grids (ngpc_probe_grids_sizes_ncu.csv, neural_probe_hash_ncu.csv),
// and 2 a 128-byte line of a DRAM stream (memory_probe_stream_ncu.csv).
double l2_lookup_bytes(const GpuTiming& gpu, const config::KernelWork& w) {
  const double lone_reads = w.dram_sector_reads();
  const double streamed_reads =
      std::max(0.0, w.dram_bytes() - w.dram_write_bytes() - lone_reads * kLoneSectorDramBytes);
  const double fills = lone_reads + streamed_reads / 128;
  return (w.l2_sector_requests() + fills) * (gpu.l2_lone_sector_bytes - 32);
}

// The makespan of a kernel whose identical one-trip blocks run in step (KernelWork.lockstep_waves):
// each of its `waves` (blocks_per_sm blocks an SM) waits its loads' round trip, then issues its
// instructions (`wave_compute`), a partial last wave its round trip too. The round trip grows with
// the DRAM rate the kernel draws, as Little's law's does (`idle` + `queueing` x rate), so the
// makespan T solves T = ceil(W) (idle + queueing D / T) + W wave_compute for D bytes of DRAM time.
// 0 where a wave's instructions take less than its round trip: memory-bound waves fall out of step
// and overlap one another.
double lockstep_makespan(double waves, double wave_compute, double idle, double queueing, double dram_bytes) {
  if (!(wave_compute > 0)) return 0;
  const double b = std::ceil(waves) * idle + waves * wave_compute, c = std::ceil(waves) * queueing * dram_bytes;
  const double t = (b + std::sqrt(b * b + 4 * c)) / 2;
  return wave_compute >= idle + queueing * dram_bytes / t ? t : 0;
}

}  // namespace

uint64_t grid_blocks(const config::Kernel& k) {
  return dim(k.grid().x()) * dim(k.grid().y()) * dim(k.grid().z());
}

uint32_t block_threads(const config::Kernel& k) {
  return static_cast<uint32_t>(dim(k.block().x()) * dim(k.block().y()) * dim(k.block().z()));
}

KernelTiming time_kernel(const GpuTiming& gpu, const config::Kernel& kernel, uint32_t blocks_per_sm,
                         uint32_t max_warps_per_sm, bool record_schedule) {
  KernelTiming t;
  t.blocks = grid_blocks(kernel);
  t.threads_per_block = block_threads(kernel);
  t.blocks_per_sm = blocks_per_sm;
  const auto& w = kernel.work();
  const double blocks = static_cast<double>(t.blocks);
  const double warps_per_block = std::ceil(t.threads_per_block / 32.0);
  const double ilp = std::max<uint32_t>(1, w.ilp());
  const double bytes_per_access = w.bytes_per_access() > 0 ? w.bytes_per_access() : 16.0;

  // Compute work per block, in seconds of a whole SM, split into its FP32 and tensor parts.
  const double sm_fp32 = gpu.fp32_flops_per_s / gpu.sms;
  double fp32_part = sm_fp32 > 0 ? w.fp32_flops() / blocks / sm_fp32 : 0, tensor_part = 0;
  for (const auto& [type, flops] : w.tensor_flops()) {
    if (flops <= 0) continue;  // no work of that type, whatever its name (GpuModel::problem agrees)
    const auto rate = gpu.tensor_flops_per_s.find(type);
    if (rate == gpu.tensor_flops_per_s.end() || rate->second <= 0)
      throw std::invalid_argument("GPU has no tensor-core rate for data type '" + type + "'");
    tensor_part += flops / blocks / (rate->second / gpu.sms);
  }
  if (w.warp_mma()) tensor_part /= gpu.warp_mma_efficiency;
  if (w.sfu_ops() > 0) {
    if (gpu.sfu_ops_per_s <= 0) throw std::invalid_argument("GPU has no special-function unit rate");
    // Exponentials issue beside the FP32 work, on the same schedulers: counted with it.
    fp32_part += w.sfu_ops() / blocks / (gpu.sfu_ops_per_s / gpu.sms);
  }
  if (const double smem = w.smem_bytes() + w.smem_conflict_bytes(); smem > 0) {
    if (gpu.smem_bytes_per_s_per_sm <= 0) throw std::invalid_argument("GPU has no shared-memory bandwidth");
    // Shared-memory traffic, and its conflicts' extra wavefronts, go through the SM's load/store
    // pipeline beside the FP32 work.
    fp32_part += smem / blocks / gpu.smem_bytes_per_s_per_sm;
  }
  if (w.scattered_store_operations() > 0) {
    // The stores hold the SM's load/store pipeline while L2 drains them (KernelWork): each SM's
    // share of the slices' time, a tag lookup each as a lone request takes, in line with its other
    // memory instructions. Every GPU config has an L2 bandwidth (GpuArchConfig refuses one without).
    fp32_part += w.scattered_store_operations() * gpu.l2_lone_sector_bytes / blocks /
                 (gpu.l2_bytes_per_s / gpu.sms);
  }
  double peak_fraction = w.peak_fraction() > 0 ? w.peak_fraction() : 1.0;
  if (const auto family = gpu.family_efficiency.find(w.family());
      !w.family().empty() && family != gpu.family_efficiency.end() && family->second > 0)
    peak_fraction *= family->second;
  // The kernel ends with its busiest block: every block takes as long as it does.
  const double busiest = w.busiest_block_factor() > 0 ? w.busiest_block_factor() : 1.0;
  fp32_part = fp32_part / peak_fraction * busiest;
  tensor_part = tensor_part / peak_fraction * busiest;
  const double compute = fp32_part + tensor_part;
  // Every access passes through L2 (hits and the misses DRAM fills), DRAM serves the misses alone,
  // and the two work at once: the memory time is the longer of the two, counted here as the DRAM
  // bytes that would take as long.
  const double through_l2 = gpu.l2_bytes_per_s > 0 ? (w.dram_bytes() + w.l2_bytes() + l2_lookup_bytes(gpu, w)) *
                                                          gpu.dram_bytes_per_s / gpu.l2_bytes_per_s
                                                    : 0;
  // A lone sector read from DRAM moves kLoneSectorDramBytes and keeps DRAM dram_lone_sector_bytes.
  const double dram_time_bytes =
      w.dram_bytes() + w.dram_sector_reads() * (gpu.dram_lone_sector_bytes - kLoneSectorDramBytes);
  const double bytes = std::max(dram_time_bytes, through_l2) / blocks * busiest;

  // A DRAM round trip on an idle GPU, and how much each byte a second of DRAM load adds to it, up to
  // the loaded round trip (dram_latency_s) at the full bandwidth.
  const double idle_latency = gpu.idle_dram_latency_s > 0 ? gpu.idle_dram_latency_s : gpu.dram_latency_s;
  const double queueing = (gpu.dram_latency_s - idle_latency) / gpu.dram_bytes_per_s;
  const auto rates = [&](const Residency& r) {
    const double warps = r.blocks_on_sm * warps_per_block;
    // Each warp issues on one scheduler: fewer warps than schedulers leave schedulers idle, and a
    // scheduler issues every cycle only with its warps' independent chains (warps x ILP) well
    // beyond the FMA latency: a knee at chains = latency, as gradual as issue_knee_exponent says.
    const double schedulers = gpu.schedulers_per_sm;
    const double active = std::min(schedulers, warps);
    const double chains_per_latency = warps / active * ilp / static_cast<double>(gpu.fma_latency_cycles);
    const double n = gpu.issue_knee_exponent;
    const double issue = n > 0 ? chains_per_latency / std::pow(1 + std::pow(chains_per_latency, n), 1 / n)
                               : std::min(1.0, chains_per_latency);
    const double fp32_efficiency = active / schedulers * issue;
    const double tensor_efficiency = std::min(1.0, warps / gpu.tensor_warps_to_saturate);
    // The block's compute rate: its parts at their efficiencies, the SM shared by its blocks.
    const double time_at_efficiency = (fp32_part > 0 ? fp32_part / fp32_efficiency : 0) +
                                      (tensor_part > 0 ? tensor_part / tensor_efficiency : 0);
    BlockRates br;
    br.compute = compute > 0 ? compute / time_at_efficiency / r.blocks_on_sm : 1;
    const double in_flight = w.bytes_in_flight_per_block() > 0
                                 ? r.blocks_on_sm * w.bytes_in_flight_per_block()
                                 : warps * ilp * 32.0 * bytes_per_access;
    // Loads in flight carry the read bytes; the writes stream out beside them.
    const double read_fraction =
        w.dram_bytes() > 0 ? std::clamp(1 - w.dram_write_bytes() / w.dram_bytes(), 0.05, 1.0) : 1.0;
    // Little's law over the GPU's resident blocks, at a round trip that grows from the idle one to
    // the loaded one (dram_latency_s) with the share of the DRAM bandwidth they draw: rate R with
    // R x (idle + (loaded - idle) x R / bandwidth) = bytes in flight, a quadratic in R.
    const double in_flight_gpu = in_flight / r.blocks_on_sm * r.blocks_on_gpu / read_fraction;
    const double little =
        queueing > 0
            ? (std::sqrt(idle_latency * idle_latency + 4 * queueing * in_flight_gpu) - idle_latency) / (2 * queueing)
            : in_flight_gpu / gpu.dram_latency_s;
    br.memory = std::min(gpu.dram_bytes_per_s, little) / r.blocks_on_gpu;
    return br;
  };
  ScheduleResult s =
      schedule_blocks(t.blocks, gpu.sms, blocks_per_sm, compute, bytes, rates, w.seconds_per_block(), w.serial_phases(),
                      w.exposed_round_trips() * gpu.dram_latency_s, record_schedule);
  if (kernel.phases_size() > 0) {
    // The parts run in turn, each on an equal share of the blocks: no shorter than their sum.
    config::Kernel part = kernel;
    part.clear_phases();
    const double share = std::ceil(blocks / kernel.phases_size());
    part.mutable_grid()->set_x(static_cast<uint32_t>(std::min(share, 2147483647.0)));
    part.mutable_grid()->set_y(1);
    part.mutable_grid()->set_z(1);
    double in_turn = 0;
    for (const auto& phase : kernel.phases()) {
      *part.mutable_work() = phase;
      in_turn += time_kernel(gpu, part, blocks_per_sm, max_warps_per_sm).makespan_s;
    }
    s.makespan_s = std::max(s.makespan_s, in_turn);
  }
  // The work distributor starts blocks one after another: many short blocks wait on it. A kernel
  // that reads DRAM waits out at least one round trip of it, however little it reads.
  const double reads_dram = w.dram_bytes() > w.dram_write_bytes() ? idle_latency : 0.0;
  // A full wave's rates: its blocks' compute and memory times.
  const BlockRates full = rates({blocks_per_sm, gpu.sms * blocks_per_sm});
  const double full_compute_s = compute / full.compute, full_memory_s = bytes / full.memory;
  if (w.lockstep_waves() && full.compute > 0)
    s.makespan_s = std::max(s.makespan_s, lockstep_makespan(blocks / (static_cast<double>(gpu.sms) * blocks_per_sm),
                                                            full_compute_s, idle_latency, queueing, dram_time_bytes));
  t.makespan_s = std::max({s.makespan_s, blocks * gpu.block_launch_s, reads_dram});
  // On the device no kernel is shorter than an empty one (its grid's launch and completion), and
  // one that reads DRAM waits out its threads' dependent round trips beside that, then the
  // instructions that wait on the loaded data: a block's warps share its SM's schedulers, each
  // instruction of a warp issuing at the earliest the FMA latency after its last.
  const double chain = reads_dram * std::max(1.0, w.dependent_accesses());
  const double warps_per_scheduler = std::ceil(warps_per_block / gpu.schedulers_per_sm);
  const double after_loads = gpu.sm_clock_hz > 0 ? w.instructions_after_loads() *
                                                       std::max<double>(warps_per_scheduler, gpu.fma_latency_cycles) /
                                                       gpu.sm_clock_hz
                                                 : 0.0;
  t.device_s = std::max(t.makespan_s, gpu.kernel_floor_s + chain + after_loads);
  t.in_pass_s = t.device_s + gpu.first_launch_s;
  t.waves = s.waves;
  t.spans = std::move(s.spans);
  t.samples = std::move(s.samples);
  t.spans_dropped = s.spans_dropped;
  t.seconds = gpu.launch_overhead_s + kernel.host_overhead_us() * 1e-6 + t.makespan_s;
  t.achieved_occupancy = s.average_resident_blocks * warps_per_block / max_warps_per_sm;
  t.compute_bound_fraction = std::max(full_compute_s, full_memory_s) > 0
                                 ? full_compute_s / std::max(full_compute_s, full_memory_s)
                                 : 0;
  double tensor_flops = 0;
  for (const auto& [type, flops] : w.tensor_flops()) tensor_flops += flops;
  // Energy is what one launch costs among launches back to back (as NVML's counter measures it
  // over a window of them): the launch latency a single timed launch sees overlaps the previous
  // kernel there.
  t.period_s = std::max(t.makespan_s + gpu.back_to_back_gap_s, kernel.host_overhead_us() * 1e-6 + gpu.launch_issue_s);
  const auto family_watts = gpu.family_watts.find(w.family());
  const double extra_watts = family_watts != gpu.family_watts.end() ? family_watts->second : 0;
  t.energy_j = (gpu.idle_power_w + gpu.busy_power_w) * t.period_s + extra_watts * t.period_s +
               1e-12 * (w.fp32_flops() * gpu.pj_per_fp32_flop + tensor_flops * gpu.pj_per_tensor_flop +
                        w.dram_bytes() * gpu.pj_per_dram_byte + w.l2_bytes() * gpu.pj_per_l2_byte +
                        w.smem_bytes() * gpu.pj_per_smem_byte + w.sfu_ops() * gpu.pj_per_sfu_op);
  return t;
}

}  // namespace cascade::arch::gpu
