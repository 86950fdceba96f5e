// waves.cu — the wave staircase. Fixed-work kernels launched with grid sizes from 1 block to just
// over 4 full waves (every wave boundary and +-1 around it, plus a spread in between), timed with
// CUDA events (median of 20 runs after 3 warm-ups).
//
// Variants (all 256 threads per block):
//   spin        each block spins ~1 ms of SM clock cycles (clock64), 0 dynamic smem (8 blocks/SM on H100)
//   spin_smem   same spin with 100 KB dynamic shared memory (2 blocks/SM on H100)
//   fma         fixed FP32 FMA work per thread (4 independent chains x 8192 iterations)
// blocks/SM comes from cudaOccupancyMaxActiveBlocksPerMultiprocessor; wave = blocks/SM x SMs.
//
// A second output records, for a few grid sizes, each block's SM id (%smid) and its start/end time
// (%globaltimer, ns) in one launch: the block scheduler's placement.
//
// Usage: waves <waves.csv> <block_schedule.csv>
#include "common.cuh"

__device__ __forceinline__ unsigned long long gtimer() {
  unsigned long long t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}
__device__ __forceinline__ unsigned smid() {
  unsigned s;
  asm volatile("mov.u32 %0, %%smid;" : "=r"(s));
  return s;
}

// rec (optional): per block {smid, start_ns, end_ns}.
__global__ void spin_kernel(long long cycles, unsigned long long* rec) {
  unsigned long long g0 = 0;
  if (rec && threadIdx.x == 0) g0 = gtimer();
  long long t0 = clock64();
  while (clock64() - t0 < cycles) {
  }
  if (rec) {
    __syncthreads();
    if (threadIdx.x == 0) {
      rec[3 * blockIdx.x + 0] = smid();
      rec[3 * blockIdx.x + 1] = g0;
      rec[3 * blockIdx.x + 2] = gtimer();
    }
  }
}

__global__ void fma_work_kernel(float* out, int iters, float a, float b, unsigned long long* rec) {
  unsigned long long g0 = 0;
  if (rec && threadIdx.x == 0) g0 = gtimer();
  float x0 = threadIdx.x * 1e-3f, x1 = x0 + 1.f, x2 = x0 + 2.f, x3 = x0 + 3.f;
#pragma unroll 16
  for (int i = 0; i < iters; ++i) {
    x0 = fmaf(x0, a, b);
    x1 = fmaf(x1, a, b);
    x2 = fmaf(x2, a, b);
    x3 = fmaf(x3, a, b);
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = x0 + x1 + x2 + x3;
  if (rec) {
    __syncthreads();
    if (threadIdx.x == 0) {
      rec[3 * blockIdx.x + 0] = smid();
      rec[3 * blockIdx.x + 1] = g0;
      rec[3 * blockIdx.x + 2] = gtimer();
    }
  }
}

static std::vector<int> grid_sizes(int W, int nsm) {
  std::vector<int> g = {1, 2, 3, 4, 8, 16, 32, 64, nsm / 2, nsm - 1, nsm, nsm + 1, 2 * nsm};
  for (int k = 1; k <= 4; ++k) {
    g.push_back(k * W - 1);
    g.push_back(k * W);
    g.push_back(k * W + 1);
  }
  const double fr[] = {0.0625, 0.125, 0.25, 0.3125, 0.375, 0.5, 0.625, 0.75, 0.875, 0.95};
  for (int k = 0; k < 4; ++k)
    for (double f : fr) g.push_back((int)std::lround((k + f) * W));
  std::sort(g.begin(), g.end());
  g.erase(std::unique(g.begin(), g.end()), g.end());
  std::vector<int> r;
  for (int x : g)
    if (x >= 1 && x <= 4 * W + 1) r.push_back(x);
  return r;
}

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // line-buffered through the driver's pipe
  const char* out_path = argc > 1 ? argv[1] : "waves.csv";
  const char* sched_path = argc > 2 ? argv[2] : "block_schedule.csv";
  double t_start = host_now_s();
  DeviceInfo d = get_device_info(0);
  Nvml nv;
  nv.init(0);
  print_device_banner(d, nv);
  const int nsm = d.prop.multiProcessorCount;
  const int block = 256;
  const long long spin_cycles = (long long)d.clock_khz;  // 1 ms at the peak SM clock
  const int fma_iters = 8192;
  const float fa = 0.999f, fb = 0.001f;
  const int smem_dyn = 100 * 1024;
  const int warmup = 3, runs = 20;

  CUDA_CHECK(cudaFuncSetAttribute((const void*)spin_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem_dyn));

  struct Variant {
    const char* name;
    const void* fn;
    int dyn;
    std::string work;
  };
  std::vector<Variant> vars = {
      {"spin", (const void*)spin_kernel, 0, fmt("spin %lld clock64 cycles per block", spin_cycles)},
      {"spin_smem", (const void*)spin_kernel, smem_dyn, fmt("spin %lld clock64 cycles per block", spin_cycles)},
      {"fma", (const void*)fma_work_kernel, 0, fmt("%d FP32 FMA per thread (4 chains x %d)", 4 * fma_iters, fma_iters)},
  };

  int max_grid = 0;
  std::vector<int> bps(vars.size()), regs(vars.size());
  for (size_t v = 0; v < vars.size(); ++v) {
    CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&bps[v], vars[v].fn, block, vars[v].dyn));
    cudaFuncAttributes at{};
    CUDA_CHECK(cudaFuncGetAttributes(&at, vars[v].fn));
    regs[v] = at.numRegs;
    max_grid = std::max(max_grid, 4 * bps[v] * nsm + 1);
    std::printf("waves: %-10s regs=%d dyn_smem=%d blocks/SM=%d wave=%d\n", vars[v].name, at.numRegs, vars[v].dyn,
                bps[v], bps[v] * nsm);
  }
  float* out = nullptr;
  unsigned long long* rec = nullptr;
  CUDA_CHECK(cudaMalloc(&out, (size_t)max_grid * block * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&rec, (size_t)max_grid * 3 * sizeof(unsigned long long)));

  auto launch = [&](size_t v, int grid, unsigned long long* r) {
    if (v < 2)
      spin_kernel<<<grid, block, vars[v].dyn>>>(spin_cycles, r);
    else
      fma_work_kernel<<<grid, block, 0>>>(out, fma_iters, fa, fb, r);
  };

  // Correctness: FMA result of a few threads against the CPU (same fused operations, exact match).
  {
    int grid = nsm;
    CUDA_CHECK(cudaMemset(out, 0xFF, (size_t)grid * block * sizeof(float)));  // poison (NaN)
    launch(2, grid, nullptr);
    CUDA_LAUNCH_CHECK();
    CUDA_CHECK(cudaDeviceSynchronize());
    std::vector<float> h((size_t)grid * block);
    CUDA_CHECK(cudaMemcpy(h.data(), out, h.size() * sizeof(float), cudaMemcpyDeviceToHost));
    int bad = 0;
    for (size_t i = 0; i < h.size(); i += 997) {
      int tx = (int)(i % block);
      float x0 = tx * 1e-3f, x1 = x0 + 1.f, x2 = x0 + 2.f, x3 = x0 + 3.f;
      for (int k = 0; k < fma_iters; ++k) {
        x0 = std::fmaf(x0, fa, fb);
        x1 = std::fmaf(x1, fa, fb);
        x2 = std::fmaf(x2, fa, fb);
        x3 = std::fmaf(x3, fa, fb);
      }
      float ref = x0 + x1 + x2 + x3;
      if (!(std::fabs(h[i] - ref) <= 1e-5f * std::fabs(ref) + 1e-6f)) ++bad;  // FMA contraction of the init may differ
    }
    int nonfinite = 0;
    for (float x : h)
      if (!std::isfinite(x)) ++nonfinite;
    if (bad || nonfinite) {
      ++g_check_failures;
      std::printf("CHECK FAIL waves fma_work_kernel: %d sampled mismatches, %d unwritten/non-finite\n", bad, nonfinite);
    } else {
      std::printf("CHECK ok waves fma_work_kernel (sampled threads match CPU fmaf, all outputs written)\n");
    }
  }

  FILE* f = std::fopen(out_path, "w");
  if (!f) {
    std::perror(out_path);
    return 2;
  }
  write_meta(f, "waves", d, nv,
             {{"timing", fmt("CUDA events around each launch; %d warm-up launches then %d timed", warmup, runs)},
              {"spin_cycles", std::to_string(spin_cycles)},
              {"fma_per_thread", std::to_string(4 * fma_iters)},
              {"wave_size", "blocks_per_sm (cudaOccupancyMaxActiveBlocksPerMultiprocessor) x sm_count"}});
  std::fprintf(f, "grid,block,blocks_per_sm,wave_size,median_ms,min_ms,max_ms,runs,kernel,waves,dynamic_smem,regs,work\n");

  for (size_t v = 0; v < vars.size(); ++v) {
    const int W = bps[v] * nsm;
    std::vector<int> gs = grid_sizes(W, nsm);
    double tv = host_now_s();
    for (int g : gs) {
      Stats s = time_launches([&](int) { launch(v, g, nullptr); }, warmup, runs);
      std::fprintf(f, "%d,%d,%d,%d,%.5f,%.5f,%.5f,%d,%s,%.5f,%d,%d,%s\n", g, block, bps[v], W, s.median_ms, s.min_ms,
                   s.max_ms, s.runs, vars[v].name, (double)g / W, vars[v].dyn, regs[v], vars[v].work.c_str());
    }
    std::fflush(f);
    std::printf("waves: %-10s %zu grid sizes in %.1f s\n", vars[v].name, gs.size(), host_now_s() - tv);
    std::fflush(stdout);
  }
  std::fclose(f);

  // Block placement / timing records.
  FILE* fs = std::fopen(sched_path, "w");
  if (!fs) {
    std::perror(sched_path);
    return 2;
  }
  write_meta(fs, "waves/block_schedule", d, nv,
             {{"what", "one launch per (kernel, grid) after the timed runs; per block: %smid and %globaltimer at "
                       "block start (thread 0) and end (after __syncthreads); times relative to the earliest start"},
              {"spin_cycles", std::to_string(spin_cycles)}});
  std::fprintf(fs, "kernel,grid,block,block_id,smid,start_ns,end_ns\n");
  long sched_rows = 0;
  int sched_bad = 0, smid_high = 0;
  for (size_t v = 0; v < vars.size(); ++v) {
    const int W = bps[v] * nsm;
    const int gl[] = {W / 2, W, W + 1, 2 * W + 1};
    for (int g : gl) {
      CUDA_CHECK(cudaMemset(rec, 0, (size_t)g * 3 * sizeof(unsigned long long)));
      launch(v, g, rec);
      CUDA_LAUNCH_CHECK();
      CUDA_CHECK(cudaDeviceSynchronize());
      std::vector<unsigned long long> h((size_t)g * 3);
      CUDA_CHECK(cudaMemcpy(h.data(), rec, h.size() * sizeof(unsigned long long), cudaMemcpyDeviceToHost));
      unsigned long long t0 = ~0ull;
      for (int b = 0; b < g; ++b) t0 = std::min(t0, h[3 * b + 1]);
      for (int b = 0; b < g; ++b) {
        unsigned long long sm = h[3 * b], s = h[3 * b + 1], e = h[3 * b + 2];
        if (e < s || s == 0) ++sched_bad;
        if (sm >= (unsigned long long)nsm) ++smid_high;
        std::fprintf(fs, "%s,%d,%d,%d,%llu,%llu,%llu\n", vars[v].name, g, block, b, sm, s - t0, e - t0);
        ++sched_rows;
      }
    }
  }
  std::fclose(fs);
  if (sched_bad) {
    ++g_check_failures;
    std::printf("CHECK FAIL block_schedule: %d records implausible (end<start or unwritten)\n", sched_bad);
  } else {
    std::printf("CHECK ok block_schedule records (%ld blocks)\n", sched_rows);
  }
  if (smid_high) std::printf("NOTE %d block records with %%smid >= SM count (%%smid need not be contiguous)\n", smid_high);
  CUDA_CHECK(cudaFree(out));
  CUDA_CHECK(cudaFree(rec));
  std::printf("SUMMARY waves: %zu variants, wave sizes", vars.size());
  for (size_t v = 0; v < vars.size(); ++v) std::printf(" %s=%d", vars[v].name, bps[v] * nsm);
  std::printf(", %ld schedule rows, %d check failures, %.1f s -> %s, %s\n", sched_rows, g_check_failures,
              host_now_s() - t_start, out_path, sched_path);
  nv.shutdown();
  return g_check_failures ? 1 : 0;
}
