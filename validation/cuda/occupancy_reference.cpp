// Generates the occupancy reference table of tests/gpu/data/ with NVIDIA's own occupancy
// calculator: cudaOccMaxActiveBlocksPerMultiprocessor from the CUDA toolkit's header-only
// cuda_occupancy.h. Host-only C++ (no GPU, no nvcc, no CUDA runtime), so CI never runs it: the
// tests read the committed CSV files.
//
// Build and run (CUDA 13.0 toolkit at /usr/local/cuda):
//   g++ -std=c++17 -O2 -Wall -Wextra -I/usr/local/cuda/include
//       validation/cuda/occupancy_reference.cpp -o /tmp/occupancy_reference
//   /tmp/occupancy_reference tests/gpu/data/occupancy_devices.csv
//       tests/gpu/data/occupancy_reference.csv
// (one command each, from the repository root).
//
// The device properties below are those of configs/arch/gpu/compute_capabilities.pbtxt; the
// devices CSV records them and a test checks the config against it, so the two cannot drift.
// Kernels are drawn by a fixed linear congruential generator: the output is the same on every run.
#include <cuda_occupancy.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

struct Device {
  int major, minor;
  int max_threads_per_sm;
  size_t smem_per_sm, smem_optin, reserved;
  int sms;  // any positive count: the per-SM result does not depend on it
};

// ../shared/reference/gpu.md section 1.2; the same values as compute_capabilities.pbtxt.
const Device kDevices[] = {
    {7, 0, 2048, 98304, 98304, 0, 80},      {7, 5, 1024, 65536, 65536, 0, 40},
    {8, 0, 2048, 167936, 166912, 1024, 108}, {8, 6, 1536, 102400, 101376, 1024, 82},
    {8, 9, 1536, 102400, 101376, 1024, 128}, {9, 0, 2048, 233472, 232448, 1024, 132},
};

cudaOccDeviceProp properties(const Device& d) {
  cudaOccDeviceProp p;
  p.computeMajor = d.major;
  p.computeMinor = d.minor;
  p.maxThreadsPerBlock = 1024;
  p.maxThreadsPerMultiprocessor = d.max_threads_per_sm;
  p.regsPerBlock = 65536;
  p.regsPerMultiprocessor = 65536;
  p.warpSize = 32;
  p.sharedMemPerBlock = 49152;
  p.sharedMemPerMultiprocessor = d.smem_per_sm;
  p.numSms = d.sms;
  p.sharedMemPerBlockOptin = d.smem_optin;
  p.reservedSharedMemPerBlock = d.reserved;
  return p;
}

struct Kernel {
  int block, regs;
  long static_smem, dynamic_smem;
  int carveout;           // -1: no preference
  long optin_max_dynamic; // -1: no opt-in (FUNC_SHMEM_LIMIT_DEFAULT)
  int barriers;
};

class Lcg {
 public:
  uint32_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state_ >> 33);
  }
  long below(long n) { return static_cast<long>(next() % static_cast<uint32_t>(n)); }
  template <typename T, size_t N>
  T pick(const T (&values)[N]) { return values[below(N)]; }

 private:
  uint64_t state_ = 20240601;
};

std::vector<Kernel> kernels_for(const Device& d, Lcg& rng) {
  std::vector<Kernel> k;
  // gpu.md section 1.5's worked examples (default carveout, no opt-in, 1 barrier).
  k.push_back({256, 32, 0, 0, -1, -1, 1});
  k.push_back({256, 64, 0, 49152, -1, -1, 1});
  k.push_back({64, 40, 0, 0, -1, -1, 1});
  k.push_back({128, 32, 0, 20480, -1, -1, 1});
  k.push_back({128, 32, 0, 20480, 25, -1, 1});
  k.push_back({1024, 64, 0, 0, -1, -1, 1});
  k.push_back({1024, 72, 0, 0, -1, -1, 1});
  k.push_back({128, 168, 0, 16384, -1, -1, 1});
  k.push_back({256, 255, 0, 0, -1, -1, 1});
  k.push_back({256, 8, 0, 100000, -1, 100000, 1});
  k.push_back({256, 8, 0, 49152, 25, -1, 1});
  // A grid of block sizes x register counts, no shared memory.
  const int blocks[] = {32, 64, 96, 128, 192, 256, 384, 512, 640, 768, 1024};
  const int regs[] = {0, 16, 32, 40, 64, 72, 96, 128, 168, 255};
  for (int b : blocks)
    for (int r : regs) k.push_back({b, r, 0, 0, -1, -1, 1});
  // The hardware's per-block register check (warps rounded up to 4 sub-partitions): for every
  // warp count that is not a multiple of 4, the register counts at the edges where the plain
  // 65536-register check passes but the rounded one does not.
  for (int warps = 9; warps <= 31; ++warps) {
    if (warps % 4 == 0) continue;
    const int rounded = (warps + 3) / 4 * 4;
    const int plain_max = 65536 / warps / 256 * 8;
    const int hardware_max = 65536 / rounded / 256 * 8;
    if (plain_max <= hardware_max) continue;
    for (int r : {hardware_max, hardware_max + 1, plain_max}) k.push_back({warps * 32, r, 0, 0, -1, -1, 1});
  }
  // Random kernels over every input.
  const int any_blocks[] = {1, 31, 32, 33, 64, 96, 100, 128, 160, 192, 224, 250, 256, 288, 320,
                            384, 448, 512, 576, 640, 768, 896, 999, 1000, 1024};
  const int carveouts[] = {-1, -1, -1, 0, 10, 25, 33, 50, 66, 75, 90, 100};
  const int barriers[] = {0, 1, 1, 1, 1, 2, 3, 4, 8, 16};
  const long optin = static_cast<long>(d.smem_optin);
  for (int i = 0; i < 520; ++i) {
    Kernel c;
    c.block = rng.pick(any_blocks);
    // Mostly register counts the hardware's per-block check accepts (a warp's registers, rounded
    // up to 256, times the warps rounded up to 4, within 65536); one in eight anything to 255.
    const long warps4 = ((c.block + 31) / 32 + 3) / 4 * 4;
    const long fitting = 65536 / warps4 / 256 * 8;
    c.regs = static_cast<int>(rng.below(8) == 0 ? rng.below(256) : rng.below((fitting < 255 ? fitting : 255) + 1));
    c.static_smem = rng.below(3) == 0 ? rng.below(16385) : 0;
    const bool opt_in = rng.below(2) == 0;
    // Dynamic shared memory: mostly within the per-block limit that applies, one in ten anything up
    // to 4 KB past the opt-in limit (the calculator's bad-input path).
    const long room = optin - c.static_smem;
    long fits = opt_in ? room : 49152 - c.static_smem - static_cast<long>(d.reserved);
    if (fits < 0) fits = 0;
    const long roll = rng.below(10);
    c.dynamic_smem = roll < 2 ? 0 : roll == 2 ? rng.below(optin + 4097) : rng.below(fits + 1);
    c.carveout = rng.pick(carveouts);
    c.optin_max_dynamic = -1;
    if (opt_in) {
      // A valid opt-in (cudaFuncSetAttribute accepts it): static + max dynamic <= the opt-in limit;
      // one in five set below the launch's dynamic size.
      if (c.dynamic_smem > room || rng.below(5) == 0)
        c.optin_max_dynamic = rng.below(room + 1);
      else
        c.optin_max_dynamic = c.dynamic_smem + rng.below(room - c.dynamic_smem + 1);
    }
    c.barriers = rng.pick(barriers);
    k.push_back(c);
  }
  return k;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DEVICES.csv REFERENCE.csv\n", argv[0]);
    return 2;
  }
  FILE* devices = std::fopen(argv[1], "w");
  FILE* table = std::fopen(argv[2], "w");
  if (!devices || !table) {
    std::perror("fopen");
    return 1;
  }
  const char* header =
      "# Produced by NVIDIA's cuda_occupancy.h from CUDA 13.0 (__CUDA_OCC_MAJOR__ %d, "
      "__CUDA_OCC_MINOR__ %d)\n"
      "# with validation/cuda/occupancy_reference.cpp (build command in that file). Do not edit.\n";
  std::fprintf(devices, header, __CUDA_OCC_MAJOR__, __CUDA_OCC_MINOR__);
  std::fprintf(table, header, __CUDA_OCC_MAJOR__, __CUDA_OCC_MINOR__);
  std::fprintf(devices,
               "# The cudaOccDeviceProp given to cudaOccMaxActiveBlocksPerMultiprocessor per "
               "compute capability.\n"
               "cc,maxThreadsPerBlock,maxThreadsPerMultiprocessor,regsPerBlock,"
               "regsPerMultiprocessor,warpSize,sharedMemPerBlock,sharedMemPerMultiprocessor,"
               "sharedMemPerBlockOptin,reservedSharedMemPerBlock\n");
  std::fprintf(table,
               "# One launch per row: inputs (optin_max_dynamic -1 = no opt-in, carveout -1 = no "
               "preference), then cudaOccResult\n"
               "# (limit_* = blockLimit*, 2147483647 = INT_MAX = unlimited; limiting_factors = "
               "the cudaOccLimitingFactor bits).\n"
               "cc,block,regs,static_smem,dynamic_smem,carveout,optin_max_dynamic,barriers,"
               "blocks,limiting_factors,limit_warps,limit_regs,limit_smem,limit_blocks,"
               "limit_barriers,allocated_regs,allocated_smem\n");
  Lcg rng;
  for (const Device& d : kDevices) {
    const cudaOccDeviceProp p = properties(d);
    std::fprintf(devices, "%d.%d,%d,%d,%d,%d,%d,%zu,%zu,%zu,%zu\n", d.major, d.minor,
                 p.maxThreadsPerBlock, p.maxThreadsPerMultiprocessor, p.regsPerBlock,
                 p.regsPerMultiprocessor, p.warpSize, p.sharedMemPerBlock,
                 p.sharedMemPerMultiprocessor, p.sharedMemPerBlockOptin,
                 p.reservedSharedMemPerBlock);
    for (const Kernel& k : kernels_for(d, rng)) {
      cudaOccFuncAttributes a;
      a.maxThreadsPerBlock = 1024;
      a.numRegs = k.regs;
      a.sharedSizeBytes = static_cast<size_t>(k.static_smem);
      a.partitionedGCConfig = PARTITIONED_GC_OFF;
      a.shmemLimitConfig = k.optin_max_dynamic < 0 ? FUNC_SHMEM_LIMIT_DEFAULT : FUNC_SHMEM_LIMIT_OPTIN;
      a.maxDynamicSharedSizeBytes = k.optin_max_dynamic < 0 ? 0 : static_cast<size_t>(k.optin_max_dynamic);
      a.numBlockBarriers = k.barriers;
      a.virtualResourceCount = 0;
      cudaOccDeviceState s;
      s.cacheConfig = CACHE_PREFER_NONE;
      s.carveoutConfig = k.carveout;
      cudaOccResult r{};
      const cudaOccError e = cudaOccMaxActiveBlocksPerMultiprocessor(
          &r, &p, &a, &s, k.block, static_cast<size_t>(k.dynamic_smem));
      if (e != CUDA_OCC_SUCCESS) {
        std::fprintf(stderr, "cc %d.%d block %d: cudaOcc error %d\n", d.major, d.minor, k.block,
                     static_cast<int>(e));
        return 1;
      }
      std::fprintf(table, "%d.%d,%d,%d,%ld,%ld,%d,%ld,%d,%d,%u,%d,%d,%d,%d,%d,%d,%zu\n", d.major,
                   d.minor, k.block, k.regs, k.static_smem, k.dynamic_smem, k.carveout,
                   k.optin_max_dynamic, k.barriers, r.activeBlocksPerMultiprocessor,
                   r.limitingFactors, r.blockLimitWarps, r.blockLimitRegs, r.blockLimitSharedMem,
                   r.blockLimitBlocks, r.blockLimitBarriers, r.allocatedRegistersPerBlock,
                   r.allocatedSharedMemPerBlock);
    }
  }
  std::fclose(devices);
  std::fclose(table);
  return 0;
}
