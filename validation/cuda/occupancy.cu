// occupancy.cu — the CUDA runtime's cudaOccupancyMaxActiveBlocksPerMultiprocessor over a grid of
// really-compiled kernels (distinct register counts, some with static shared memory, some with
// __launch_bounds__), block sizes 32..1024 (step 32), dynamic shared memory 0..227 KB, shared-memory
// carveout preferences and two settings of cudaFuncAttributeMaxDynamicSharedMemorySize.
//
// For the rows with the default carveout and the opt-in dynamic-smem attribute it also launches the
// kernel once with one block (no work) and records whether the launch was accepted, so that
// "blocks_per_sm == 0" can be checked against "launch fails".
//
// Usage: occupancy <out.csv>
#include "common.cuh"

// ------------------------------------------------------------------------------------------------
// Kernels. regk<N>: N floats live in registers across a run-time loop, so ptxas needs about N + 7
// registers (no spills up to N = 248 on sm_90). With iters = 0 the kernel only loads and stores.
// ------------------------------------------------------------------------------------------------
template <int N>
__device__ __forceinline__ void reg_body(const float* __restrict__ in, float* __restrict__ out, int iters,
                                         float c) {
  float r[N];
  int tid = blockIdx.x * blockDim.x + threadIdx.x;
#pragma unroll
  for (int i = 0; i < N; ++i) r[i] = in[tid + i * 7];
  for (int it = 0; it < iters; ++it) {
#pragma unroll
    for (int i = 0; i < N; ++i) r[i] = fmaf(r[i], r[(i + 1) % N], c);
  }
  float s = 0.f;
#pragma unroll
  for (int i = 0; i < N; ++i) s += r[i] * (float)(i + 1);
  out[tid] = s;
}

template <int N>
__global__ void regk(const float* __restrict__ in, float* __restrict__ out, int iters, float c) {
  reg_body<N>(in, out, iters, c);
}

// Static shared memory of SMEM bytes plus N live registers.
template <int N, int SMEM>
__global__ void regk_smem(const float* __restrict__ in, float* __restrict__ out, int iters, float c) {
  __shared__ float buf[SMEM / 4];
  for (int i = threadIdx.x; i < SMEM / 4; i += blockDim.x) buf[i] = in[i % 64];
  __syncthreads();
  reg_body<N>(in, out, iters, c + buf[(threadIdx.x * 13) % (SMEM / 4)]);
}

// Register caps through __launch_bounds__ (ptxas limits registers, may spill to local memory).
template <int N>
__global__ void __launch_bounds__(1024) regk_lb1024(const float* __restrict__ in, float* __restrict__ out,
                                                    int iters, float c) {
  reg_body<N>(in, out, iters, c);
}
template <int N>
__global__ void __launch_bounds__(256, 2) regk_lb256x2(const float* __restrict__ in, float* __restrict__ out,
                                                       int iters, float c) {
  reg_body<N>(in, out, iters, c);
}
template <int N>
__global__ void __launch_bounds__(128, 4) regk_lb128x4(const float* __restrict__ in, float* __restrict__ out,
                                                       int iters, float c) {
  reg_body<N>(in, out, iters, c);
}

typedef void (*kfn_t)(const float*, float*, int, float);

struct KEntry {
  const char* name;
  kfn_t fn;
};

#define REGK(n) {"regk_" #n, regk<n>}
static const KEntry kKernels[] = {
    REGK(1),   REGK(4),   REGK(9),   REGK(15),  REGK(17),  REGK(25),  REGK(33),  REGK(41),
    REGK(49),  REGK(57),  REGK(65),  REGK(73),  REGK(89),  REGK(93),  REGK(105), REGK(121),
    REGK(137), REGK(143), REGK(161), REGK(170), REGK(185), REGK(209), REGK(233), REGK(248),
    {"regk_smem4k_33", regk_smem<33, 4096>},
    {"regk_smem16k_57", regk_smem<57, 16384>},
    {"regk_smem40k_25", regk_smem<25, 40960>},
    {"regk_smem48k_9", regk_smem<9, 49152>},
    {"regk_lb1024_121", regk_lb1024<121>},
    {"regk_lb256x2_185", regk_lb256x2<185>},
    {"regk_lb128x4_161", regk_lb128x4<161>},
};
static const int kNumKernels = sizeof(kKernels) / sizeof(kKernels[0]);

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // line-buffered through the driver's pipe
  const char* out_path = argc > 1 ? argv[1] : "occupancy.csv";
  double t_start = host_now_s();
  DeviceInfo d = get_device_info(0);
  Nvml nv;
  nv.init(0);
  print_device_banner(d, nv);

  const int optin = (int)d.prop.sharedMemPerBlockOptin;  // 232448 on H100
  const int dyn_list[] = {0, 1024, 8192, 16384, 32768, 49152, 65536, 102400, 163840, 232448};
  const int carve_list[] = {-1, 0, 25, 50, 100};  // -1 = cudaSharedmemCarveoutDefault

  // Buffers for the one-block launch test: tid < 1024, index up to 1023 + 247*7.
  float *in = nullptr, *outb = nullptr;
  CUDA_CHECK(cudaMalloc(&in, 8192 * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&outb, 1024 * sizeof(float)));
  CUDA_CHECK(cudaMemset(in, 0, 8192 * sizeof(float)));

  FILE* f = std::fopen(out_path, "w");
  if (!f) {
    std::perror(out_path);
    return 2;
  }
  write_meta(f, "occupancy", d, nv,
             {{"api", "cudaOccupancyMaxActiveBlocksPerMultiprocessor (runtime)"},
              {"carveout_values", "-1 = default (cudaSharedmemCarveoutDefault); else percent via "
                                  "cudaFuncAttributePreferredSharedMemoryCarveout"},
              {"attr_mode", "default = cudaFuncAttributeMaxDynamicSharedMemorySize left at its initial value; "
                            "optin = set to smem_per_block_optin - static_smem"},
              {"blocks_per_sm", "-1 when the call failed (error name in status)"},
              {"launch_test", "only for carveout=-1 and attr_mode=optin: <<<1, block, dynamic_smem>>> with "
                              "iters=0; ok or the CUDA error name; empty = not tested"},
              {"kernels", std::to_string(kNumKernels)}});
  std::fprintf(f,
               "kernel,regs_per_thread,static_smem,block,dynamic_smem,carveout,max_dynamic_smem_attr,"
               "blocks_per_sm,status,attr_mode,max_threads_per_block,local_bytes,launch_test\n");

  long rows = 0, failed_calls = 0, launch_mismatch = 0, launch_tests = 0;
  std::printf("occupancy: %d kernels\n", kNumKernels);
  for (int k = 0; k < kNumKernels; ++k) {
    const void* fn = (const void*)kKernels[k].fn;
    cudaFuncAttributes at{};
    CUDA_CHECK(cudaFuncGetAttributes(&at, fn));
    const int default_attr = at.maxDynamicSharedSizeBytes;
    std::printf("  %-20s numRegs=%3d static_smem=%6zu local=%zu maxThreads=%d maxDynSmem(default)=%d\n",
                kKernels[k].name, at.numRegs, at.sharedSizeBytes, at.localSizeBytes, at.maxThreadsPerBlock,
                default_attr);
    for (int mode = 0; mode < 2; ++mode) {
      const int attr_val = mode == 0 ? default_attr : optin - (int)at.sharedSizeBytes;
      CUDA_CHECK(cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, attr_val));
      for (int cv : carve_list) {
        cudaError_t ce = cudaFuncSetAttribute(fn, cudaFuncAttributePreferredSharedMemoryCarveout, cv);
        std::string carve_err;
        if (ce != cudaSuccess) {
          carve_err = std::string("carveout_set_") + cudaGetErrorName(ce);
          std::printf("    WARNING cudaFuncSetAttribute(carveout=%d) on %s: %s\n", cv, kKernels[k].name,
                      cudaGetErrorString(ce));
          (void)cudaGetLastError();
        }
        for (int block = 32; block <= 1024; block += 32) {
          for (int dyn : dyn_list) {
            int nb = -1;
            cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&nb, fn, block, (size_t)dyn);
            std::string status = carve_err.empty() ? "ok" : carve_err;
            if (e != cudaSuccess) {
              status = cudaGetErrorName(e);
              nb = -1;
              ++failed_calls;
              (void)cudaGetLastError();  // clear the (non-sticky) error
            }
            std::string lt;
            if (cv == -1 && mode == 1) {
              kKernels[k].fn<<<1, block, (size_t)dyn>>>(in, outb, 0, 0.f);
              cudaError_t le = cudaGetLastError();
              if (le == cudaSuccess) le = cudaDeviceSynchronize();
              if (le != cudaSuccess) (void)cudaGetLastError();
              lt = le == cudaSuccess ? "ok" : cudaGetErrorName(le);
              ++launch_tests;
              bool launched = le == cudaSuccess;
              if ((nb > 0) != launched && ++launch_mismatch <= 20) {
                std::printf("    NOTE launch/occupancy disagree: %s block=%d dyn=%d blocks_per_sm=%d launch=%s\n",
                            kKernels[k].name, block, dyn, nb, lt.c_str());
              }
            }
            std::fprintf(f, "%s,%d,%zu,%d,%d,%d,%d,%d,%s,%s,%d,%zu,%s\n", kKernels[k].name, at.numRegs,
                         at.sharedSizeBytes, block, dyn, cv, attr_val, nb, csv_safe(status).c_str(),
                         mode == 0 ? "default" : "optin", at.maxThreadsPerBlock, at.localSizeBytes, lt.c_str());
            ++rows;
          }
        }
      }
    }
    // Restore defaults.
    (void)cudaFuncSetAttribute(fn, cudaFuncAttributePreferredSharedMemoryCarveout, -1);
    (void)cudaGetLastError();
    CUDA_CHECK(cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, default_attr));
  }
  CUDA_CHECK(cudaDeviceSynchronize());
  std::fclose(f);
  CUDA_CHECK(cudaFree(in));
  CUDA_CHECK(cudaFree(outb));
  std::printf("SUMMARY occupancy: %ld rows, %ld failed occupancy calls (recorded), %ld launch tests, "
              "%ld launch/occupancy disagreements, %.1f s -> %s\n",
              rows, failed_calls, launch_tests, launch_mismatch, host_now_s() - t_start, out_path);
  nv.shutdown();
  return 0;
}
