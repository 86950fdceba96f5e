#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "configs/gpu.pb.h"

namespace cascade::arch::gpu {

// What one kernel launch asks of an SM: the inputs of cudaOccMaxActiveBlocksPerMultiprocessor
// (cuda_occupancy.h's cudaOccFuncAttributes, cudaOccDeviceState, block size and dynamic smem).
struct KernelResources {
  int64_t threads_per_block = 0;
  int64_t registers_per_thread = 0;    // as ptxas / cudaFuncGetAttributes report it
  int64_t static_smem_bytes = 0;
  int64_t dynamic_smem_bytes = 0;
  // cudaFuncAttributePreferredSharedMemoryCarveout: -1 no preference, else 0..100 percent of the
  // SM's largest shared-memory size.
  int carveout_percent = -1;
  // cudaFuncAttributeMaxDynamicSharedMemorySize: set = the kernel opted in to more than the default
  // 48 KB per block (FUNC_SHMEM_LIMIT_OPTIN); unset = the default limit (FUNC_SHMEM_LIMIT_DEFAULT).
  std::optional<int64_t> max_dynamic_smem_bytes;
  int64_t barriers_per_block = 1;      // block barriers the kernel uses (1 for __syncthreads)
};

// The factors that can limit blocks per SM, with cuda_occupancy.h's cudaOccLimitingFactor bits.
enum class Limiter : uint32_t {
  Warps = 0x01,
  Registers = 0x02,
  SharedMemory = 0x04,
  Blocks = 0x08,
  Barriers = 0x10,
};

inline constexpr Limiter kAllLimiters[] = {Limiter::Warps, Limiter::Registers, Limiter::SharedMemory,
                                           Limiter::Blocks, Limiter::Barriers};

// "warps", "registers", "shared memory", "blocks", "barriers".
const char* limiter_name(Limiter limiter);

// A per-limiter block count the resource does not bound (cuda_occupancy.h reports INT_MAX).
inline constexpr int kUnlimited = INT_MAX;

// cudaOccResult, plus the derived warps and occupancy.
struct Occupancy {
  int blocks_per_sm = 0;
  int warps_per_block = 0;
  int warps_per_sm = 0;          // blocks_per_sm * warps_per_block
  int max_warps_per_sm = 0;
  double occupancy = 0;          // theoretical: warps_per_sm / max_warps_per_sm, 0..1
  // cudaOccResult::limitingFactors, bit for bit: every limiter whose block count equals the minimum
  // over warps, registers, shared memory and blocks; then, where the barrier limit applies, the
  // barrier bit if the barrier count equals the new minimum. (So when barriers alone bind, the
  // header keeps the bits of the earlier minimum too: docs/gpu.md.)
  uint32_t limiting_factors = 0;
  // Blocks per SM each resource alone allows (cudaOccResult::blockLimit*), kUnlimited if none.
  int limit_warps = 0;
  int limit_registers = 0;
  int limit_shared_memory = 0;
  int limit_blocks = 0;
  int limit_barriers = 0;
  int registers_per_block = 0;            // allocatedRegistersPerBlock
  int64_t shared_memory_per_block = 0;    // allocatedSharedMemPerBlock (with the reservation)
  int64_t shared_memory_per_sm = 0;       // the carveout the SM's shared memory is sized to
  // Empty when blocks_per_sm > 0; otherwise why a block cannot launch at all.
  std::string cannot_launch;

  bool limited_by(Limiter limiter) const {
    return (limiting_factors & static_cast<uint32_t>(limiter)) != 0;
  }
  std::vector<Limiter> limiters() const;
  int limit(Limiter limiter) const;
};

// NVIDIA's occupancy calculator (cuda_occupancy.h of CUDA 13.0, cudaOccMaxActiveBlocksPerMultiprocessor)
// for one SM's limits, transcribed step by step (../shared/reference/gpu.md section 1.3). The
// limits are data (configs/arch/gpu/*.pbtxt), already checked by GpuArchConfig or
// ComputeCapabilityTable. Partitioned global caching (cc 5.2-6.x only) and virtual resources
// (cc >= 10) are outside the supported range, 7.0-9.0.
class OccupancyCalculator {
 public:
  // `label` names the GPU in messages, e.g. "h100_sxm (cc 9.0)".
  OccupancyCalculator(config::SmLimits limits, std::string label);

  // Throws base::InputError for a kernel that is bad input: a block of 0 or too many threads,
  // too many registers per thread, negative or over-limit shared memory (the message names the
  // limit), a carveout outside -1..100, too many barriers. A kernel that is well formed but fits no
  // block on an SM (e.g. 1024 threads x 72 registers) gives blocks_per_sm 0 and `cannot_launch`.
  Occupancy compute(const KernelResources& kernel) const;

  // The smallest carveout (configs' carveout_kb) of at least `bytes`
  // (cudaOccAlignUpShmemSizeVoltaPlus).
  int64_t align_up_to_carveout(int64_t bytes) const;

  const config::SmLimits& limits() const { return limits_; }
  const std::string& label() const { return label_; }

 private:
  void check(const KernelResources& kernel) const;
  [[noreturn]] void fail(const std::string& message) const;

  config::SmLimits limits_;
  std::string label_;
};

}  // namespace cascade::arch::gpu
