// kernels.cu — timed kernels of known launch configuration and work, with NVML energy.
//
// Parts (in this order):
//   idle    idle board power: NVML energy over 2 s of sleep (at the start and again at the end)
//   launch  empty kernel: per-launch time (event pair) and back-to-back launch rate
//   stream  STREAM-like copy and triad, fp32, 2^28 elements (1 GiB per array): block 128/256/512/1024
//           with a full grid (one element per thread), float4 variants, and shared-memory-limited
//           variants (dynamic smem forcing 1, 2 or 4 blocks/SM at 256 threads)
//   fma     FP32 FMA throughput: 65536 FMAs per thread, 1..8 independent chains (ILP), resident
//           warps per SM 1..64 via grid/block
//   gemm    cuBLAS cublasGemmEx / cublasGemmStridedBatchedEx, column-major NN, bf16/fp16 (fp32
//           accumulate, CUBLAS_COMPUTE_32F), fp32 (CUBLAS_COMPUTE_32F, CUBLAS_DEFAULT_MATH: no TF32)
//           and tf32 (CUBLAS_COMPUTE_32F_FAST_TF32) on ~40 shapes
// Each kernel: median/min/max of >= 20 event-timed runs after warm-up; then an energy window of
// >= 1 s of back-to-back launches bracketed by nvmlDeviceGetTotalEnergyConsumption (after
// cudaDeviceSynchronize), plus a steady-state power from the counter updates seen inside the window.
//
// Usage: kernels <kernels.csv> [--deadline-s S] [--energy-s S] [--energy-micro-s S]
//                [--parts idle,launch,stream,fma,gemm] [--once]
// --once: each fma and gemm kernel launched once (its correctness launch), neither timed nor
// written, for a profiler (the command: validation/traces/h200/ncu_kernels.csv's header)
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "common.cuh"

#define CUBLAS_CHECK(call)                                                                          \
  do {                                                                                              \
    cublasStatus_t st_ = (call);                                                                    \
    if (st_ != CUBLAS_STATUS_SUCCESS) {                                                             \
      std::fprintf(stderr, "FATAL cuBLAS error %d (%s) at %s:%d: %s\n", (int)st_,                   \
                   cublasGetStatusString(st_), __FILE__, __LINE__, #call);                          \
      std::exit(3);                                                                                 \
    }                                                                                               \
  } while (0)

// ------------------------------------------------------------------------------------------------
// Kernels
// ------------------------------------------------------------------------------------------------
__global__ void empty_kernel() {}

__global__ void copy_k(const float* __restrict__ a, float* __restrict__ b, size_t n) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) b[i] = a[i];
}
__global__ void triad_k(float* __restrict__ a, const float* __restrict__ b, const float* __restrict__ c, float s,
                        size_t n) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) a[i] = b[i] + s * c[i];
}
__global__ void copy4_k(const float4* __restrict__ a, float4* __restrict__ b, size_t n4) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n4) b[i] = a[i];
}
__global__ void triad4_k(float4* __restrict__ a, const float4* __restrict__ b, const float4* __restrict__ c, float s,
                         size_t n4) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n4) {
    float4 x = b[i], y = c[i];
    a[i] = make_float4(x.x + s * y.x, x.y + s * y.y, x.z + s * y.z, x.w + s * y.w);
  }
}

template <int ILP>
__global__ void fma_tp(float* __restrict__ out, int iters, float a, float b) {
  float x[ILP];
#pragma unroll
  for (int j = 0; j < ILP; ++j) x[j] = threadIdx.x * 1e-3f + (float)j;
#pragma unroll 8
  for (int it = 0; it < iters; ++it) {
#pragma unroll
    for (int j = 0; j < ILP; ++j) x[j] = fmaf(x[j], a, b);
  }
  float s = 0.f;
#pragma unroll
  for (int j = 0; j < ILP; ++j) s += x[j];
  out[(size_t)blockIdx.x * blockDim.x + threadIdx.x] = s;
}

template <typename T>
__device__ __host__ inline T from_float(float x);
template <>
__device__ __host__ inline float from_float<float>(float x) { return x; }
template <>
__device__ __host__ inline __half from_float<__half>(float x) { return __float2half_rn(x); }
template <>
__device__ __host__ inline __nv_bfloat16 from_float<__nv_bfloat16>(float x) { return __float2bfloat16_rn(x); }
template <typename T>
__device__ __host__ inline float to_float(T x);
template <>
__device__ __host__ inline float to_float<float>(float x) { return x; }
template <>
__device__ __host__ inline float to_float<__half>(__half x) { return __half2float(x); }
template <>
__device__ __host__ inline float to_float<__nv_bfloat16>(__nv_bfloat16 x) { return __bfloat162float(x); }

template <typename T>
__global__ void init_k(T* p, size_t n, uint32_t seed) {
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = from_float<T>(hash_uniform(i, seed));
}
template <typename T>
__global__ void count_nonfinite_k(const T* p, size_t n, unsigned long long* cnt) {
  unsigned long long c = 0;
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    if (!isfinite(to_float<T>(p[i]))) ++c;
  if (c) atomicAdd(cnt, c);
}
__global__ void count_mismatch_k(const unsigned* a, const unsigned* b, size_t n, unsigned long long* cnt) {
  unsigned long long c = 0;
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    if (a[i] != b[i]) ++c;
  if (c) atomicAdd(cnt, c);
}

// ------------------------------------------------------------------------------------------------
// Output row
// ------------------------------------------------------------------------------------------------
struct Row {
  std::string name, cls, dtype;
  long grid = -1, block = -1, regs = -1, smem = -1;
  double flops = 0, bytes = 0;
  Stats st;
  EnergyResult en;
  long blocks_per_sm = -1, ilp = -1, warps_per_sm = -1;
  long M = -1, N = -1, K = -1, batch = -1, rot_sets = -1;
  std::string layout, check;
};

static const char* kHeader =
    "name,class,dtype,grid,block,regs,smem,flops,bytes,median_ms,min_ms,max_ms,runs,energy_window_s,"
    "launches_in_window,energy_j_per_launch,avg_power_w,ss_power_w,ss_updates,temp_c_end,sm_clock_mhz_end,"
    "clock_event_reasons_end,blocks_per_sm,ilp,warps_per_sm,M,N,K,batch,layout,rot_sets,tflops,gbps,check\n";

static void write_row(FILE* f, const Row& r) {
  auto L = [](long v) { return v < 0 ? std::string() : std::to_string(v); };
  double sec = r.st.median_ms * 1e-3;
  std::string tf = (r.flops > 0 && sec > 0) ? fnum(r.flops / sec * 1e-12, "%.4f") : "";
  std::string gb = (r.bytes > 0 && sec > 0) ? fnum(r.bytes / sec * 1e-9, "%.2f") : "";
  const EnergyResult& e = r.en;
  std::string cr;
  if (e.valid && e.clock_reasons_end >= 0) cr = fmt("0x%llx", (unsigned long long)e.clock_reasons_end);
  std::fprintf(f, "%s,%s,%s,%s,%s,%s,%s,%.0f,%.0f,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
               r.name.c_str(), r.cls.c_str(), r.dtype.c_str(), L(r.grid).c_str(), L(r.block).c_str(), L(r.regs).c_str(),
               L(r.smem).c_str(), r.flops, r.bytes, fnum(r.st.median_ms, "%.6f").c_str(),
               fnum(r.st.min_ms, "%.6f").c_str(), fnum(r.st.max_ms, "%.6f").c_str(), r.st.runs,
               e.valid ? fnum(e.window_s, "%.4f").c_str() : "", e.valid ? std::to_string(e.launches).c_str() : "",
               e.valid ? fnum(e.j_per_launch, "%.6g").c_str() : "", e.valid ? fnum(e.avg_power_w, "%.2f").c_str() : "",
               e.valid ? fnum(e.ss_power_w, "%.2f").c_str() : "", e.valid ? std::to_string(e.ss_updates).c_str() : "",
               (e.valid && e.temp_c_end >= 0) ? std::to_string(e.temp_c_end).c_str() : "",
               (e.valid && e.sm_clock_mhz_end >= 0) ? std::to_string(e.sm_clock_mhz_end).c_str() : "", cr.c_str(),
               L(r.blocks_per_sm).c_str(), L(r.ilp).c_str(), L(r.warps_per_sm).c_str(), L(r.M).c_str(),
               L(r.N).c_str(), L(r.K).c_str(), L(r.batch).c_str(), r.layout.c_str(), L(r.rot_sets).c_str(), tf.c_str(),
               gb.c_str(), csv_safe(r.check).c_str());
  std::fflush(f);
}

// ------------------------------------------------------------------------------------------------
// Driver state
// ------------------------------------------------------------------------------------------------
struct Ctx {
  DeviceInfo d;
  Nvml nv;
  EnergySampler* sampler = nullptr;
  FILE* f = nullptr;
  double t0 = 0, deadline_s = 420, energy_s = 1.0, energy_micro_s = 2.0;
  int warmup = 5, runs = 20;
  bool once = false;  // --once
  int energy_rows = 0, rows = 0, skipped = 0;
  unsigned long long* d_cnt = nullptr;
  double elapsed() const { return host_now_s() - t0; }
};

static void report(Ctx& c, const Row& r) {
  write_row(c.f, r);
  ++c.rows;
  if (r.en.valid) ++c.energy_rows;
  double sec = r.st.median_ms * 1e-3;
  std::printf("  %-28s %-5s %-5s median %9.4f ms", r.name.c_str(), r.cls.c_str(), r.dtype.c_str(), r.st.median_ms);
  if (r.flops > 0 && sec > 0) std::printf("  %8.2f TFLOP/s", r.flops / sec * 1e-12);
  if (r.bytes > 0 && sec > 0) std::printf("  %7.1f GB/s", r.bytes / sec * 1e-9);
  if (r.en.valid)
    std::printf("  E %.4g J/launch, %.0f W (ss %.0f W, %d upd)", r.en.j_per_launch, r.en.avg_power_w, r.en.ss_power_w,
                r.en.ss_updates);
  std::printf("  [%s] t=%.0fs\n", r.check.c_str(), c.elapsed());
  std::fflush(stdout);
}

static void check_result(Ctx& c, const std::string& what, bool ok, const std::string& detail, std::string* out) {
  *out = (ok ? "ok " : "FAIL ") + detail;
  if (!ok) {
    ++g_check_failures;
    std::printf("CHECK FAIL %s: %s\n", what.c_str(), detail.c_str());
  }
  (void)c;
}

// Time + (optionally) energy for a launch functor, filling r.st / r.en.
// (stream / fma / launch: energy window c.energy_micro_s; GEMMs use c.energy_s.)
static void measure(Ctx& c, Row& r, const std::function<void(int)>& launch, bool want_energy) {
  r.st = time_launches(launch, c.warmup, c.runs);
  if (want_energy && c.nv.ok && c.elapsed() < c.deadline_s - 60)
    r.en = energy_window(c.nv, *c.sampler, launch, r.st.median_ms, c.energy_micro_s);
}

static long func_regs(const void* fn) {
  cudaFuncAttributes at{};
  CUDA_CHECK(cudaFuncGetAttributes(&at, fn));
  return at.numRegs;
}

// ------------------------------------------------------------------------------------------------
// idle
// ------------------------------------------------------------------------------------------------
static void run_idle(Ctx& c, const char* name) {
  Row r;
  r.name = name;
  r.cls = "idle";
  r.dtype = "-";
  r.check = "-";
  if (!c.nv.ok) {
    r.check = "no NVML";
    report(c, r);
    return;
  }
  CUDA_CHECK(cudaDeviceSynchronize());
  unsigned long long e0 = 0, e1 = 0;
  bool ok = c.nv.energy_mj(&e0);
  double h0 = host_now_s();
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  double h1 = host_now_s();
  ok = ok && c.nv.energy_mj(&e1);
  if (ok) {
    r.en.valid = true;
    r.en.window_s = h1 - h0;
    r.en.launches = 0;
    r.en.avg_power_w = (e1 - e0) * 1e-3 / (h1 - h0);
    r.en.ss_power_w = c.sampler->steady_power_w(h0, h1, &r.en.ss_updates);
    r.en.temp_c_end = c.nv.temperature_c();
    r.en.sm_clock_mhz_end = c.nv.sm_clock_mhz();
    r.en.clock_reasons_end = c.nv.clock_event_reasons();
  }
  report(c, r);
}

// ------------------------------------------------------------------------------------------------
// launch overhead
// ------------------------------------------------------------------------------------------------
static void run_launch(Ctx& c) {
  const int nsm = c.d.prop.multiProcessorCount;
  const int cfg[][2] = {{1, 32}, {nsm * 8, 256}};
  for (auto& g : cfg) {
    Row r;
    r.name = fmt("empty_g%d_b%d", g[0], g[1]);
    r.cls = "launch";
    r.dtype = "-";
    r.grid = g[0];
    r.block = g[1];
    r.regs = func_regs((const void*)empty_kernel);
    r.smem = 0;
    r.check = "-";
    measure(c, r, [&](int) { empty_kernel<<<g[0], g[1]>>>(); }, false);
    report(c, r);
    // Back-to-back: 1000 launches between one event pair, 7 repeats; per-launch time.
    Row rb = r;
    rb.name += "_b2b1000";
    cudaEvent_t a, b;
    CUDA_CHECK(cudaEventCreate(&a));
    CUDA_CHECK(cudaEventCreate(&b));
    std::vector<float> t;
    for (int rep = 0; rep < 8; ++rep) {
      CUDA_CHECK(cudaEventRecord(a, 0));
      for (int i = 0; i < 1000; ++i) empty_kernel<<<g[0], g[1]>>>();
      CUDA_CHECK(cudaEventRecord(b, 0));
      CUDA_CHECK(cudaEventSynchronize(b));
      CUDA_LAUNCH_CHECK();
      float ms = 0;
      CUDA_CHECK(cudaEventElapsedTime(&ms, a, b));
      if (rep > 0) t.push_back(ms / 1000.f);
    }
    CUDA_CHECK(cudaEventDestroy(a));
    CUDA_CHECK(cudaEventDestroy(b));
    rb.st = stats_of(t);
    rb.check = "per-launch = (1000 launches between one event pair)/1000";
    report(c, rb);
  }
}

// ------------------------------------------------------------------------------------------------
// STREAM
// ------------------------------------------------------------------------------------------------
static void run_stream(Ctx& c) {
  const size_t n = (size_t)1 << 28;
  const float s = 3.0f;
  float *a = nullptr, *b = nullptr, *cc = nullptr;
  CUDA_CHECK(cudaMalloc(&a, n * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&b, n * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&cc, n * sizeof(float)));
  const uint32_t seed_a = 11, seed_b = 12, seed_c = 13;
  init_k<float><<<4096, 256>>>(a, n, seed_a);
  init_k<float><<<4096, 256>>>(b, n, seed_b);
  init_k<float><<<4096, 256>>>(cc, n, seed_c);
  CUDA_LAUNCH_CHECK();
  CUDA_CHECK(cudaDeviceSynchronize());

  // kind: 0 copy, 1 triad, 2 copy4, 3 triad4
  struct Cfg {
    int kind, block, dyn;
  };
  std::vector<Cfg> cfgs;
  for (int bs : {128, 256, 512, 1024}) cfgs.push_back({0, bs, 0});
  for (int bs : {128, 256, 512, 1024}) cfgs.push_back({1, bs, 0});
  cfgs.push_back({2, 256, 0});
  cfgs.push_back({3, 256, 0});
  for (int dyn : {120 * 1024, 100 * 1024, 48 * 1024}) cfgs.push_back({0, 256, dyn});  // 1, 2, 4 blocks/SM
  for (int dyn : {120 * 1024, 100 * 1024, 48 * 1024}) cfgs.push_back({1, 256, dyn});

  for (const void* fn : {(const void*)copy_k, (const void*)triad_k})
    CUDA_CHECK(cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, 120 * 1024));

  for (const Cfg& g : cfgs) {
    if (c.elapsed() > c.deadline_s) {
      ++c.skipped;
      continue;
    }
    const bool vec = g.kind >= 2;
    const bool triad = g.kind == 1 || g.kind == 3;
    const size_t items = vec ? n / 4 : n;
    const long grid = (long)((items + g.block - 1) / g.block);
    const void* fn = g.kind == 0 ? (const void*)copy_k
                     : g.kind == 1 ? (const void*)triad_k
                     : g.kind == 2 ? (const void*)copy4_k
                                   : (const void*)triad4_k;
    Row r;
    r.name = fmt("%s%s_b%d%s", triad ? "triad" : "copy", vec ? "4" : "", g.block,
                 g.dyn ? fmt("_smem%dk", g.dyn / 1024).c_str() : "");
    r.cls = "stream";
    r.dtype = "fp32";
    r.grid = grid;
    r.block = g.block;
    r.regs = func_regs(fn);
    r.smem = g.dyn;
    r.flops = triad ? 2.0 * n : 0.0;
    r.bytes = (triad ? 3.0 : 2.0) * 4.0 * n;
    int bps = 0;
    CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&bps, fn, g.block, g.dyn));
    r.blocks_per_sm = bps;
    r.warps_per_sm = bps * g.block / 32;
    auto launch = [&, grid](int) {
      switch (g.kind) {
        case 0: copy_k<<<grid, g.block, g.dyn>>>(a, b, n); break;
        case 1: triad_k<<<grid, g.block, g.dyn>>>(a, b, cc, s, n); break;
        case 2: copy4_k<<<grid, g.block, g.dyn>>>((const float4*)a, (float4*)b, n / 4); break;
        default: triad4_k<<<grid, g.block, g.dyn>>>((float4*)a, (const float4*)b, (const float4*)cc, s, n / 4);
      }
    };
    // Correctness once: re-create the inputs, poison the output, run, check.
    {
      float* dst = triad ? a : b;
      if (triad) {
        init_k<float><<<4096, 256>>>(b, n, seed_b);  // copy runs overwrite b
        init_k<float><<<4096, 256>>>(cc, n, seed_c);
      } else {
        init_k<float><<<4096, 256>>>(a, n, seed_a);  // triad runs overwrite a
      }
      CUDA_LAUNCH_CHECK();
      CUDA_CHECK(cudaMemset(dst, 0xFF, n * sizeof(float)));  // NaN poison
      launch(0);
      CUDA_LAUNCH_CHECK();
      CUDA_CHECK(cudaDeviceSynchronize());
      CUDA_CHECK(cudaMemset(c.d_cnt, 0, 2 * sizeof(unsigned long long)));
      count_nonfinite_k<float><<<2048, 256>>>(dst, n, c.d_cnt);
      if (!triad) count_mismatch_k<<<2048, 256>>>((const unsigned*)a, (const unsigned*)b, n, c.d_cnt + 1);
      CUDA_LAUNCH_CHECK();
      unsigned long long cnt[2] = {0, 0};
      CUDA_CHECK(cudaMemcpy(cnt, c.d_cnt, sizeof cnt, cudaMemcpyDeviceToHost));
      int bad = 0;
      if (triad) {
        // 1024 sampled elements against the CPU: a = b + s*c from the hash-generated inputs.
        for (int k = 0; k < 1024; ++k) {
          size_t i = (size_t)(((uint64_t)k * 2654435761ull + 12345) % n);
          if (k == 0) i = 0;
          if (k == 1) i = n - 1;
          float got = 0;
          CUDA_CHECK(cudaMemcpy(&got, a + i, sizeof(float), cudaMemcpyDeviceToHost));
          float ref = hash_uniform(i, seed_b) + s * hash_uniform(i, seed_c);
          if (!(std::fabs(got - ref) <= 1e-6f * (1.f + std::fabs(ref)))) ++bad;
        }
      }
      bool ok = cnt[0] == 0 && cnt[1] == 0 && bad == 0;
      check_result(c, r.name, ok,
                   fmt("nonfinite=%llu copy_mismatches=%llu triad_sample_bad=%d", cnt[0], cnt[1], bad), &r.check);
    }
    measure(c, r, launch, true);
    report(c, r);
  }
  CUDA_CHECK(cudaFree(a));
  CUDA_CHECK(cudaFree(b));
  CUDA_CHECK(cudaFree(cc));
}

// ------------------------------------------------------------------------------------------------
// FMA throughput
// ------------------------------------------------------------------------------------------------
template <int ILP>
static void fma_one(Ctx& c, float* out, int block, int bpsm_target) {
  const int nsm = c.d.prop.multiProcessorCount;
  const int per_thread = 65536;
  const int iters = per_thread / ILP;
  const float fa = 0.999f, fb = 0.001f;
  const long grid = (long)nsm * bpsm_target;
  Row r;
  r.name = fmt("fma_ilp%d_b%d_g%ld", ILP, block, grid);
  r.cls = "fma";
  r.dtype = "fp32";
  r.grid = grid;
  r.block = block;
  r.regs = func_regs((const void*)fma_tp<ILP>);
  r.smem = 0;
  r.flops = 2.0 * per_thread * (double)grid * block;
  r.bytes = 4.0 * grid * block;
  int bps = 0;
  CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&bps, (const void*)fma_tp<ILP>, block, 0));
  r.blocks_per_sm = bps;
  r.ilp = ILP;
  r.warps_per_sm = (long)bpsm_target * block / 32;  // nominal, if blocks spread evenly over SMs
  auto launch = [&](int) { fma_tp<ILP><<<grid, block>>>(out, iters, fa, fb); };
  {
    const size_t n = (size_t)grid * block;
    CUDA_CHECK(cudaMemset(out, 0xFF, n * sizeof(float)));
    launch(0);
    CUDA_LAUNCH_CHECK();
    CUDA_CHECK(cudaDeviceSynchronize());
    std::vector<float> h(n);
    CUDA_CHECK(cudaMemcpy(h.data(), out, n * sizeof(float), cudaMemcpyDeviceToHost));
    // The result depends only on threadIdx.x: every block must equal block 0 bit for bit, and four
    // threadIdx.x values are checked against the CPU (std::fmaf; tolerance covers FMA contraction
    // of the initial value).
    int bad = 0, nonfinite = 0, inconsistent = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!std::isfinite(h[i])) ++nonfinite;
      else if (h[i] != h[i % block]) ++inconsistent;
    }
    const int txs[4] = {0, 1, block / 2, block - 1};
    for (int tx : txs) {
      float x[ILP];
      for (int j = 0; j < ILP; ++j) x[j] = tx * 1e-3f + (float)j;
      for (int it = 0; it < iters; ++it)
        for (int j = 0; j < ILP; ++j) x[j] = std::fmaf(x[j], fa, fb);
      float ref = 0.f;
      for (int j = 0; j < ILP; ++j) ref += x[j];
      if (!(std::fabs(h[tx] - ref) <= 1e-5f * std::fabs(ref) + 1e-6f)) ++bad;
    }
    bad += inconsistent;
    check_result(c, r.name, bad == 0 && nonfinite == 0,
                 fmt("nonfinite=%d inconsistent=%d cpu_bad=%d", nonfinite, inconsistent, bad - inconsistent), &r.check);
  }
  if (c.once) return;
  measure(c, r, launch, true);
  report(c, r);
}

static void run_fma(Ctx& c) {
  const int nsm = c.d.prop.multiProcessorCount;
  float* out = nullptr;
  CUDA_CHECK(cudaMalloc(&out, (size_t)nsm * 8 * 256 * sizeof(float)));
  const int cfg[][2] = {{32, 1}, {128, 1}, {256, 1}, {256, 2}, {256, 4}, {256, 8}};  // block, blocks/SM
  for (auto& g : cfg) {
    for (int ilp : {1, 2, 4, 8}) {
      if (c.elapsed() > c.deadline_s) {
        ++c.skipped;
        continue;
      }
      switch (ilp) {
        case 1: fma_one<1>(c, out, g[0], g[1]); break;
        case 2: fma_one<2>(c, out, g[0], g[1]); break;
        case 4: fma_one<4>(c, out, g[0], g[1]); break;
        default: fma_one<8>(c, out, g[0], g[1]);
      }
    }
  }
  CUDA_CHECK(cudaFree(out));
}

// ------------------------------------------------------------------------------------------------
// cuBLAS GEMM
// ------------------------------------------------------------------------------------------------
struct Shape {
  const char* tag;
  int M, N, K, batch;
};
static const Shape kShapes[] = {
    // square
    {"sq512", 512, 512, 512, 1},
    {"sq1024", 1024, 1024, 1024, 1},
    {"sq2048", 2048, 2048, 2048, 1},
    {"sq3072", 3072, 3072, 3072, 1},
    {"sq4096", 4096, 4096, 4096, 1},
    {"sq6144", 6144, 6144, 6144, 1},
    {"sq8192", 8192, 8192, 8192, 1},
    {"sq1000", 1000, 1000, 1000, 1},
    {"sq4095", 4095, 4095, 4095, 1},
    // small
    {"small64", 64, 64, 64, 1},
    {"small128", 128, 128, 128, 1},
    {"small256", 256, 256, 256, 1},
    // skinny / tall / long-K
    {"gemv_m1", 1, 4096, 4096, 1},
    {"skinny_m16", 16, 4096, 4096, 1},
    {"skinny_m64", 64, 8192, 8192, 1},
    {"tall_n64", 8192, 64, 8192, 1},
    {"tall_m65536", 65536, 128, 128, 1},
    {"wide_n65536", 128, 65536, 128, 1},
    {"longk_128", 128, 128, 65536, 1},
    {"longk_1024", 1024, 1024, 16384, 1},
    {"shortk_64", 8192, 8192, 64, 1},
    // BERT-base (tokens = 32 x 128 = 4096, hidden 768, FFN 3072)
    {"bert_b_qkv", 4096, 2304, 768, 1},
    {"bert_b_attnout", 4096, 768, 768, 1},
    {"bert_b_ffn1", 4096, 3072, 768, 1},
    {"bert_b_ffn2", 4096, 768, 3072, 1},
    {"bert_b_scores", 128, 128, 64, 384},   // per (batch, head): S = Q K^T, 32 x 12 heads
    {"bert_b_context", 128, 64, 128, 384},  // P V
    // BERT-large (hidden 1024, FFN 4096)
    {"bert_l_qkv", 4096, 3072, 1024, 1},
    {"bert_l_attnout", 4096, 1024, 1024, 1},
    {"bert_l_ffn1", 4096, 4096, 1024, 1},
    {"bert_l_ffn2", 4096, 1024, 4096, 1},
    {"bert_l_scores512", 512, 512, 64, 128},  // seq 512, 8 x 16 heads
    // transformer 4096x3072x768 and LLaMA-7B-like prefill (2048 tokens) / decode (batch 16)
    {"xf_4096x3072x768", 4096, 3072, 768, 1},
    {"llama7b_qkv", 2048, 12288, 4096, 1},
    {"llama7b_o", 2048, 4096, 4096, 1},
    {"llama7b_up", 2048, 11008, 4096, 1},
    {"llama7b_down", 2048, 4096, 11008, 1},
    {"llama7b_dec_qkv", 16, 12288, 4096, 1},
    {"llama7b_dec_down", 16, 4096, 11008, 1},
    {"gpt_lmhead", 2048, 32000, 4096, 1},
};
static const int kNumShapes = sizeof(kShapes) / sizeof(kShapes[0]);

enum class DT { BF16, FP16, FP32, TF32 };
static const char* dt_name(DT t) {
  return t == DT::BF16 ? "bf16" : t == DT::FP16 ? "fp16" : t == DT::FP32 ? "fp32" : "tf32";
}

template <typename T>
static double host_round(float x) {
  return (double)to_float<T>(from_float<T>(x));
}

template <typename T>
static void run_gemm_t(Ctx& c, cublasHandle_t h, const Shape& sh, DT dt, int remaining) {
  const size_t es = sizeof(T);
  const size_t M = sh.M, N = sh.N, K = sh.K, B = sh.batch;
  const size_t nA = M * K, nB = K * N, nC = M * N;
  const double foot = (double)(nA + nB) * B * es;
  int nsets = (int)std::min(8.0, std::max(1.0, std::floor(256e6 / foot)));
  const cudaDataType_t ct = dt == DT::BF16 ? CUDA_R_16BF : dt == DT::FP16 ? CUDA_R_16F : CUDA_R_32F;
  const cublasComputeType_t comp = dt == DT::TF32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
  T *A = nullptr, *Bm = nullptr, *C = nullptr;
  CUDA_CHECK(cudaMalloc(&A, nA * B * nsets * es));
  CUDA_CHECK(cudaMalloc(&Bm, nB * B * nsets * es));
  CUDA_CHECK(cudaMalloc(&C, nC * B * es));
  const uint32_t seedA = 1000 + 7 * (uint32_t)(&sh - kShapes), seedB = seedA + 3;
  for (int s = 0; s < nsets; ++s) {
    init_k<T><<<2048, 256>>>(A + nA * B * s, nA * B, seedA + 100 * s);
    init_k<T><<<2048, 256>>>(Bm + nB * B * s, nB * B, seedB + 100 * s);
  }
  CUDA_LAUNCH_CHECK();
  CUDA_CHECK(cudaDeviceSynchronize());
  const float alpha = 1.f, beta = 0.f;
  // cuBLAS failures are recorded (not fatal) so that one unsupported case does not end the run.
  cublasStatus_t first_err = CUBLAS_STATUS_SUCCESS;
  auto launch = [&](int i) {
    const int s = i % nsets;
    const T* a = A + nA * B * s;
    const T* b = Bm + nB * B * s;
    cublasStatus_t st;
    if (B == 1) {
      st = cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, (int)M, (int)N, (int)K, &alpha, a, ct, (int)M, b, ct, (int)K,
                        &beta, C, ct, (int)M, comp, CUBLAS_GEMM_DEFAULT);
    } else {
      st = cublasGemmStridedBatchedEx(h, CUBLAS_OP_N, CUBLAS_OP_N, (int)M, (int)N, (int)K, &alpha, a, ct, (int)M,
                                      (long long)nA, b, ct, (int)K, (long long)nB, &beta, C, ct, (int)M,
                                      (long long)nC, (int)B, comp, CUBLAS_GEMM_DEFAULT);
    }
    if (st != CUBLAS_STATUS_SUCCESS && first_err == CUBLAS_STATUS_SUCCESS) first_err = st;
  };
  Row r;
  r.name = fmt("gemm_%s_%s", sh.tag, dt_name(dt));
  r.cls = "gemm";
  r.dtype = dt_name(dt);
  r.flops = 2.0 * M * N * K * B;
  r.bytes = (double)(nA + nB + nC) * B * es;
  r.M = M;
  r.N = N;
  r.K = K;
  r.batch = B;
  r.layout = "NN_colmajor";
  r.rot_sets = nsets;
  // Correctness once (set 0): poison C, run, count non-finite, compare 32 sampled entries with a
  // float64 CPU dot product of the same rounded inputs.
  {
    CUDA_CHECK(cudaMemset(C, 0xFF, nC * B * es));
    launch(0);
    CUDA_LAUNCH_CHECK();
    CUDA_CHECK(cudaDeviceSynchronize());
    if (first_err != CUBLAS_STATUS_SUCCESS) {
      check_result(c, r.name, false, fmt("cuBLAS status %d (%s); not timed", (int)first_err,
                                         cublasGetStatusString(first_err)), &r.check);
      report(c, r);
      CUDA_CHECK(cudaFree(A));
      CUDA_CHECK(cudaFree(Bm));
      CUDA_CHECK(cudaFree(C));
      return;
    }
    CUDA_CHECK(cudaMemset(c.d_cnt, 0, sizeof(unsigned long long)));
    count_nonfinite_k<T><<<2048, 256>>>(C, nC * B, c.d_cnt);
    CUDA_LAUNCH_CHECK();
    unsigned long long nonfinite = 0;
    CUDA_CHECK(cudaMemcpy(&nonfinite, c.d_cnt, sizeof nonfinite, cudaMemcpyDeviceToHost));
    double num = 0, den = 0, worst_scaled = 0;
    for (int k = 0; k < 32; ++k) {
      size_t bi = (k % 2 == 0) ? 0 : B - 1;
      size_t i = ((uint64_t)k * 2654435761ull + 17) % M;
      size_t j = ((uint64_t)k * 40503ull + 5) % N;
      double ref = 0, absum = 0;
      for (size_t kk = 0; kk < K; ++kk) {
        double av = host_round<T>(hash_uniform(bi * nA + i + kk * M, seedA));
        double bv = host_round<T>(hash_uniform(bi * nB + kk + j * K, seedB));
        ref += av * bv;
        absum += std::fabs(av * bv);
      }
      T got_t;
      CUDA_CHECK(cudaMemcpy(&got_t, C + bi * nC + i + j * M, es, cudaMemcpyDeviceToHost));
      double got = to_float<T>(got_t);
      num += (got - ref) * (got - ref);
      den += ref * ref;
      worst_scaled = std::max(worst_scaled, std::fabs(got - ref) / std::max(absum, 1e-30));
      if (!std::isfinite(got)) worst_scaled = INFINITY;
    }
    double rel = std::sqrt(num / std::max(den, 1e-300));
    // Tolerances on the error scaled by sum|a*b| (robust to cancellation); rel is reported.
    double tol = dt == DT::FP32 ? 1e-4 : dt == DT::TF32 ? 5e-3 : dt == DT::FP16 ? 5e-3 : 1.5e-2;
    bool ok = nonfinite == 0 && worst_scaled <= tol;
    check_result(c, r.name, ok,
                 fmt("nonfinite=%llu rel_l2=%.2e worst_scaled=%.2e tol=%.0e", nonfinite, rel, worst_scaled, tol),
                 &r.check);
  }
  if (!c.once) {
    r.st = time_launches(launch, c.warmup, c.runs);
    // Energy unless the remaining budget is short; then only for kernels of >= 50 us.
    double left = c.deadline_s - 15 - c.elapsed();
    bool energy = left > remaining * (c.energy_s + 0.45) || (left > c.energy_s + 1 && r.st.median_ms >= 0.05);
    if (energy && c.nv.ok) r.en = energy_window(c.nv, *c.sampler, launch, r.st.median_ms, c.energy_s);
    if (first_err != CUBLAS_STATUS_SUCCESS)
      check_result(c, r.name, false, fmt("cuBLAS status %d during timing", (int)first_err), &r.check);
    report(c, r);
  }
  CUDA_CHECK(cudaFree(A));
  CUDA_CHECK(cudaFree(Bm));
  CUDA_CHECK(cudaFree(C));
}

static void run_gemm(Ctx& c) {
  cublasHandle_t h;
  CUBLAS_CHECK(cublasCreate(&h));
  CUBLAS_CHECK(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH));
  int ver = 0;
  CUBLAS_CHECK(cublasGetVersion(h, &ver));
  std::printf("gemm: cuBLAS version %d, CUBLAS_DEFAULT_MATH, NVIDIA_TF32_OVERRIDE=%s, %d shapes\n", ver,
              std::getenv("NVIDIA_TF32_OVERRIDE") ? std::getenv("NVIDIA_TF32_OVERRIDE") : "(unset)", kNumShapes);
  // tf32 only on square shapes (the first 9).
  int total = 0;
  for (int s = 0; s < kNumShapes; ++s) total += 3 + (s < 9 ? 1 : 0);
  int done = 0;
  for (int s = 0; s < kNumShapes; ++s) {
    const Shape& sh = kShapes[s];
    std::vector<DT> dts = {DT::BF16, DT::FP16, DT::FP32};
    if (s < 9) dts.push_back(DT::TF32);
    for (DT dt : dts) {
      if (c.elapsed() > c.deadline_s) {
        ++c.skipped;
        ++done;
        continue;
      }
      const int remaining = total - done;
      switch (dt) {
        case DT::BF16: run_gemm_t<__nv_bfloat16>(c, h, sh, dt, remaining); break;
        case DT::FP16: run_gemm_t<__half>(c, h, sh, dt, remaining); break;
        default: run_gemm_t<float>(c, h, sh, dt, remaining);
      }
      ++done;
    }
  }
  CUBLAS_CHECK(cublasDestroy(h));
}

// ------------------------------------------------------------------------------------------------
int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // line-buffered through the driver's pipe
  Ctx c;
  c.t0 = host_now_s();
  const char* out_path = "kernels.csv";
  std::string parts = "idle,launch,stream,fma,gemm";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--deadline-s" && i + 1 < argc) c.deadline_s = std::atof(argv[++i]);
    else if (a == "--energy-s" && i + 1 < argc) c.energy_s = std::atof(argv[++i]);
    else if (a == "--energy-micro-s" && i + 1 < argc) c.energy_micro_s = std::atof(argv[++i]);
    else if (a == "--parts" && i + 1 < argc) parts = argv[++i];
    else if (a == "--once") c.once = true;
    else if (a[0] != '-') out_path = argv[i];
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  auto has = [&](const char* p) { return ("," + parts + ",").find(std::string(",") + p + ",") != std::string::npos; };
  c.d = get_device_info(0);
  c.nv.init(0);
  print_device_banner(c.d, c.nv);
  EnergySampler sampler(c.nv);
  c.sampler = &sampler;
  sampler.start();
  CUDA_CHECK(cudaMalloc(&c.d_cnt, 4 * sizeof(unsigned long long)));
  int cublas_ver = 0;
  {
    cublasHandle_t h;
    CUBLAS_CHECK(cublasCreate(&h));
    CUBLAS_CHECK(cublasGetVersion(h, &cublas_ver));
    CUBLAS_CHECK(cublasDestroy(h));
  }
  c.f = std::fopen(out_path, "w");
  if (!c.f) {
    std::perror(out_path);
    return 2;
  }
  write_meta(c.f, "kernels", c.d, c.nv,
             {{"cublas_version", std::to_string(cublas_ver)},
              {"gemm_math", "fp32: CUBLAS_COMPUTE_32F + CUBLAS_DEFAULT_MATH (no TF32); tf32: CUBLAS_COMPUTE_32F_FAST_TF32; "
                            "bf16/fp16: A B C in that type, CUBLAS_COMPUTE_32F, alpha=1 beta=0; CUBLAS_GEMM_DEFAULT"},
              {"NVIDIA_TF32_OVERRIDE", std::getenv("NVIDIA_TF32_OVERRIDE") ? std::getenv("NVIDIA_TF32_OVERRIDE") : "(unset)"},
              {"timing", fmt("CUDA event pair around each launch; %d warm-up, %d timed; median/min/max", c.warmup, c.runs)},
              {"energy", fmt("target window %.2f s (gemm) / %.2f s (stream, fma) of back-to-back launches, count from a "
                             "~50 ms calibration burst; cudaDeviceSynchronize then "
                             "nvmlDeviceGetTotalEnergyConsumption before and after; energy_j_per_launch = dE/launches; "
                             "avg_power_w = dE/host window; ss_power_w = slope of the counter between its first and last "
                             "update inside the window (after the first 150 ms)", c.energy_s, c.energy_micro_s)},
              {"bytes", "minimum DRAM bytes: each input read once, each output written once (no write-allocate)"},
              {"gemm_inputs", "uniform [-1,1) hash-generated; rotated over rot_sets copies of A and B to defeat L2 "
                              "reuse where they fit (<= 8 copies, ~256 MB); C single"},
              {"deadline_s", fnum(c.deadline_s)}});
  std::fprintf(c.f, "%s", kHeader);

  if (has("idle")) {
    std::printf("== idle (start)\n");
    run_idle(c, "idle_start");
  }
  if (has("launch")) {
    std::printf("== launch\n");
    run_launch(c);
  }
  if (has("stream")) {
    std::printf("== stream\n");
    run_stream(c);
  }
  if (has("fma")) {
    std::printf("== fma\n");
    run_fma(c);
  }
  if (has("gemm")) {
    std::printf("== gemm\n");
    run_gemm(c);
  }
  if (has("idle") && c.elapsed() < c.deadline_s + 5) {
    std::printf("== idle (end)\n");
    run_idle(c, "idle_end");
  }
  sampler.stop();
  std::fclose(c.f);
  CUDA_CHECK(cudaFree(c.d_cnt));
  std::printf("SUMMARY kernels: %d rows, %d with energy, %d skipped for the deadline, %d check failures, %.1f s -> %s\n",
              c.rows, c.energy_rows, c.skipped, g_check_failures, c.elapsed(), out_path);
  c.nv.shutdown();
  return g_check_failures ? 1 : 0;
}
