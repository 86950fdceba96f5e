// The occupancy calculation of NVIDIA's cuda_occupancy.h (CUDA 13.0), function by function; the
// comments name the header function each step transcribes. Every constant comes from the SM limits
// (configs/arch/gpu/*.pbtxt). tests/gpu/occupancy_calculator_test.cpp checks the result against the
// header's own output on 4080 launches over cc 7.0-9.0.
#include "arch/gpu/OccupancyCalculator.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "base/InputError.h"

namespace cascade::arch::gpu {
namespace {

int64_t divide_round_up(int64_t x, int64_t y) { return (x + y - 1) / y; }
int64_t round_up(int64_t x, int64_t y) { return y * divide_round_up(x, y); }

int clamp_to_int(int64_t blocks) {
  return blocks > kUnlimited ? kUnlimited : static_cast<int>(blocks);
}

std::string bytes(int64_t n) { return std::to_string(n) + " bytes"; }

}  // namespace

const char* limiter_name(Limiter limiter) {
  switch (limiter) {
    case Limiter::Warps: return "warps";
    case Limiter::Registers: return "registers";
    case Limiter::SharedMemory: return "shared memory";
    case Limiter::Blocks: return "blocks";
    case Limiter::Barriers: return "barriers";
  }
  return "?";
}

std::vector<Limiter> Occupancy::limiters() const {
  std::vector<Limiter> out;
  for (Limiter l : kAllLimiters)
    if (limited_by(l)) out.push_back(l);
  return out;
}

int Occupancy::limit(Limiter limiter) const {
  switch (limiter) {
    case Limiter::Warps: return limit_warps;
    case Limiter::Registers: return limit_registers;
    case Limiter::SharedMemory: return limit_shared_memory;
    case Limiter::Blocks: return limit_blocks;
    case Limiter::Barriers: return limit_barriers;
  }
  return 0;
}

OccupancyCalculator::OccupancyCalculator(config::SmLimits limits, std::string label)
    : limits_(std::move(limits)), label_(std::move(label)) {}

void OccupancyCalculator::fail(const std::string& message) const {
  throw base::InputError("kernel", {}, message);
}

int64_t OccupancyCalculator::align_up_to_carveout(int64_t size) const {
  // cudaOccAlignUpShmemSizeVoltaPlus: the per-architecture list of shared-memory sizes, ascending.
  for (uint32_t kb : limits_.carveout_kb())
    if (size <= static_cast<int64_t>(kb) * 1024) return static_cast<int64_t>(kb) * 1024;
  // The header returns CUDA_OCC_ERROR_INVALID_INPUT; checked limits and kernels never get here
  // (the largest carveout holds shared_memory_per_sm and the opt-in block limit).
  throw std::logic_error("shared memory size " + std::to_string(size) +
                         " exceeds the largest carveout on " + label_);
}

// What cuda_occupancy.h would silently turn into 0 blocks (or an error status) but is a mistake in
// the kernel's description: rejected with the limit it breaks.
void OccupancyCalculator::check(const KernelResources& k) const {
  const auto& l = limits_;
  if (k.threads_per_block < 1 || k.threads_per_block > l.max_threads_per_block())
    fail("block of " + std::to_string(k.threads_per_block) + " threads: a block has 1 to " +
         std::to_string(l.max_threads_per_block()) + " threads on " + label_);
  if (k.registers_per_thread < 0 || k.registers_per_thread > l.max_registers_per_thread())
    fail(std::to_string(k.registers_per_thread) + " registers per thread: a thread has 0 to " +
         std::to_string(l.max_registers_per_thread()) + " registers on " + label_);
  if (k.static_smem_bytes < 0)
    fail("static shared memory of " + bytes(k.static_smem_bytes) + ": must be 0 or more");
  if (k.dynamic_smem_bytes < 0)
    fail("dynamic shared memory of " + bytes(k.dynamic_smem_bytes) + ": must be 0 or more");
  if (k.carveout_percent < -1 || k.carveout_percent > 100)
    fail("shared-memory carveout of " + std::to_string(k.carveout_percent) +
         "%: give -1 (no preference) or 0 to 100");
  if (k.barriers_per_block < 0 || k.barriers_per_block > l.max_barriers_per_block())
    fail(std::to_string(k.barriers_per_block) + " barriers per block: a block has 0 to " +
         std::to_string(l.max_barriers_per_block()) + " barriers on " + label_);
  if (k.max_dynamic_smem_bytes) {
    const int64_t max_dynamic = *k.max_dynamic_smem_bytes;
    if (max_dynamic < 0)
      fail("maximum dynamic shared memory of " + bytes(max_dynamic) + ": must be 0 or more");
    // cudaFuncSetAttribute(cudaFuncAttributeMaxDynamicSharedMemorySize) refuses this.
    if (k.static_smem_bytes + max_dynamic > static_cast<int64_t>(l.shared_memory_per_block_optin_bytes()))
      fail("maximum dynamic shared memory of " + bytes(max_dynamic) + " plus " +
           std::to_string(k.static_smem_bytes) + " static exceeds the opt-in per-block limit of " +
           bytes(l.shared_memory_per_block_optin_bytes()) + " on " + label_);
  }
}

Occupancy OccupancyCalculator::compute(const KernelResources& k) const {
  check(k);
  const auto& l = limits_;
  Occupancy o;
  const int64_t warp_size = l.warp_size();
  const int64_t warps_per_block = divide_round_up(k.threads_per_block, warp_size);
  o.warps_per_block = static_cast<int>(warps_per_block);
  o.max_warps_per_sm = static_cast<int>(l.max_warps_per_sm());

  // cudaOccMaxBlocksPerSMRegsLimit. A warp's registers are allocated in units; the hardware checks
  // a block's registers as if its warps were spread over all sub-partitions at once (warps rounded
  // up to a multiple of the sub-partition count); an SM's registers are split among its
  // sub-partitions, so whole warps are counted per sub-partition before multiplying back.
  const int64_t regs_per_warp = round_up(k.registers_per_thread * warp_size, l.register_allocation_unit());
  const int64_t regs_per_block = regs_per_warp * warps_per_block;
  const int64_t regs_assumed_per_block = regs_per_warp * round_up(warps_per_block, l.sub_partitions());
  o.registers_per_block = static_cast<int>(regs_per_block);
  if (regs_assumed_per_block > l.registers_per_block() || regs_per_block > l.registers_per_block()) {
    o.limit_registers = 0;
  } else if (regs_per_warp == 0) {
    o.limit_registers = kUnlimited;
  } else {
    const int64_t warps_per_sub_partition = l.registers_per_sm() / l.sub_partitions() / regs_per_warp;
    o.limit_registers = clamp_to_int(warps_per_sub_partition * l.sub_partitions() / warps_per_block);
  }

  // cudaOccMaxBlocksPerSMWarpsLimit (partitioned global caching off: it exists only on cc 5.2-6.x).
  o.limit_warps = clamp_to_int(k.threads_per_block > l.max_threads_per_block()
                                   ? 0
                                   : l.max_warps_per_sm() / warps_per_block);

  // cudaOccMaxBlocksPerMultiprocessor.
  o.limit_blocks = static_cast<int>(l.max_blocks_per_sm());

  // cudaOccMaxBlocksPerSMSmemLimit. The driver's per-block reservation counts as static shared
  // memory; the block's total is allocated in units.
  const int64_t reserved = static_cast<int64_t>(l.reserved_shared_memory_per_block_bytes());
  const int64_t static_with_reserved = k.static_smem_bytes + reserved;
  const int64_t smem_per_block = round_up(static_with_reserved + k.dynamic_smem_bytes,
                                          l.shared_memory_allocation_unit_bytes());
  o.shared_memory_per_block = smem_per_block;
  // cudaOccSMemPerBlock: an opted-in kernel whose largest launch needs more than the default limit
  // gets the opt-in limit; the reservation is added to either.
  const int64_t default_limit = static_cast<int64_t>(l.shared_memory_per_block_bytes());
  const int64_t optin_limit = static_cast<int64_t>(l.shared_memory_per_block_optin_bytes());
  const bool uses_optin_limit =
      k.max_dynamic_smem_bytes && static_with_reserved + *k.max_dynamic_smem_bytes > default_limit;
  const int64_t block_limit = uses_optin_limit ? optin_limit : default_limit;
  if (k.max_dynamic_smem_bytes && k.dynamic_smem_bytes > *k.max_dynamic_smem_bytes)
    fail("dynamic shared memory of " + bytes(k.dynamic_smem_bytes) +
         " exceeds the kernel's opt-in maximum of " + bytes(*k.max_dynamic_smem_bytes) +
         " (its maximum dynamic shared memory size)");
  // With an accepted opt-in maximum (check()) a block stays within the opt-in limit, so in practice
  // this is a kernel over the default limit that did not opt in.
  if (smem_per_block > block_limit + reserved) {
    std::string message = "shared memory per block of " + bytes(smem_per_block) + " (" +
                          std::to_string(k.static_smem_bytes) + " static + " +
                          std::to_string(k.dynamic_smem_bytes) + " dynamic + " +
                          std::to_string(reserved) + " reserved, in " +
                          std::to_string(l.shared_memory_allocation_unit_bytes()) +
                          "-byte units) exceeds the " + (uses_optin_limit ? "opt-in" : "default") +
                          " per-block limit of " + bytes(block_limit) + " + " +
                          std::to_string(reserved) + " reserved on " + label_;
    if (!uses_optin_limit)
      message += "; opting in (a maximum dynamic shared memory size) allows up to " +
                 bytes(optin_limit);
    fail(message);
  }
  // cudaOccSMemPreferenceVoltaPlus: the carveout preference, a percentage of the largest size,
  // rounded up to a size the SM supports. The preference holds if one block fits in it; otherwise
  // the SM is configured to the smallest size that holds one block.
  const int64_t smem_per_sm_max = static_cast<int64_t>(l.shared_memory_per_sm_bytes());
  const int64_t preference = align_up_to_carveout(
      k.carveout_percent == -1 ? smem_per_sm_max : k.carveout_percent * smem_per_sm_max / 100);
  o.shared_memory_per_sm = preference >= smem_per_block ? preference : align_up_to_carveout(smem_per_block);
  o.limit_shared_memory = smem_per_block > 0 ? clamp_to_int(o.shared_memory_per_sm / smem_per_block) : kUnlimited;

  // cudaOccMaxActiveBlocksPerMultiprocessor: the minimum, and every limiter equal to it.
  int blocks = std::min({o.limit_registers, o.limit_shared_memory, o.limit_warps, o.limit_blocks});
  if (blocks == o.limit_warps) o.limiting_factors |= static_cast<uint32_t>(Limiter::Warps);
  if (blocks == o.limit_registers) o.limiting_factors |= static_cast<uint32_t>(Limiter::Registers);
  if (blocks == o.limit_shared_memory) o.limiting_factors |= static_cast<uint32_t>(Limiter::SharedMemory);
  if (blocks == o.limit_blocks) o.limiting_factors |= static_cast<uint32_t>(Limiter::Blocks);
  // cudaOccMaxBlocksPerSMBlockBarrierLimit, applied from cc 9.0 when the kernel uses barriers:
  // the SM has barriers_per_block_slot barriers per block slot.
  if (l.barrier_limit_applies() && k.barriers_per_block > 0) {
    o.limit_barriers = clamp_to_int(
        static_cast<int64_t>(l.barriers_per_block_slot()) * o.limit_blocks / k.barriers_per_block);
    blocks = std::min(blocks, o.limit_barriers);
    if (blocks == o.limit_barriers) o.limiting_factors |= static_cast<uint32_t>(Limiter::Barriers);
  } else {
    o.limit_barriers = kUnlimited;
  }

  o.blocks_per_sm = blocks;
  o.warps_per_sm = blocks * o.warps_per_block;
  o.occupancy = static_cast<double>(o.warps_per_sm) / static_cast<double>(o.max_warps_per_sm);
  if (blocks > 0) return o;

  const std::string block = "a block of " + std::to_string(k.threads_per_block) + " threads";
  if (o.limit_registers == 0)
    o.cannot_launch = block + " x " + std::to_string(k.registers_per_thread) + " registers needs " +
                      std::to_string(regs_assumed_per_block) + " registers (" +
                      std::to_string(regs_per_warp) + " per warp x " +
                      std::to_string(round_up(warps_per_block, l.sub_partitions())) +
                      " warps, rounded up to a multiple of " + std::to_string(l.sub_partitions()) +
                      " sub-partitions), more than the " + std::to_string(l.registers_per_block()) +
                      " a block may use on " + label_;
  else if (o.limit_warps == 0)
    o.cannot_launch = block + " has " + std::to_string(warps_per_block) + " warps, more than the " +
                      std::to_string(l.max_warps_per_sm()) + " an SM holds on " + label_;
  else
    o.cannot_launch = block + " uses " + std::to_string(k.barriers_per_block) +
                      " barriers, more than the " +
                      std::to_string(l.barriers_per_block_slot() * l.max_blocks_per_sm()) +
                      " an SM has on " + label_;
  o.cannot_launch = "cannot launch (too many resources requested): " + o.cannot_launch;
  return o;
}

}  // namespace cascade::arch::gpu
