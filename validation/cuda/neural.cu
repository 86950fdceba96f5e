// neural.cu — neural-graphics / attention kernels for issue 5, timed like kernels.cu, with NVML energy.
//
// Parts (in this order):
//   hash  instant-ngp multiresolution hash-grid encoding, forward (Mueller et al. 2022): 3D positions,
//         L = 16 levels, F = 2 fp16 features per entry (one __half2), T = 2^14..2^24 entries per level,
//         base resolution 16, growth factor b (1.5; one extra row at 2.0). Level l: scale = 16*b^l - 1,
//         vertices per axis res = ceil(scale) + 2. Levels with res^3 <= T are indexed densely
//         (x + y*res + z*res^2), the others hashed with instant-ngp's primes (x*1 ^ y*2654435761 ^
//         z*805459861) mod T. Trilinear interpolation of 8 corners, fp32 math, fp16 output.
//         One thread per (point, level); thread i -> point i/16, level i%16; output N x L x F fp16
//         (point-major, so a warp writes 128 contiguous bytes).
//   mlp   fully fused MLP (tiny-cuda-nn style): `layers` dense width x width layers with ReLU, then a
//         width -> 16 output layer (no activation). fp16 weights and activations, fp32 accumulation
//         (WMMA m16n16k16). One block of 8 warps per 128-row batch tile; activations stay in shared
//         memory across layers (ping-pong buffers), each layer's weights are staged in shared memory.
//   attn  flash-style fused attention forward (non-causal): one block of 4 warps per (batch*head,
//         64-query tile); K/V streamed in 64-key tiles through shared memory; S = Q K^T and O += P V
//         on tensor cores (WMMA, fp16 in, fp32 accumulate); online softmax in fp32 (exp2 with the
//         1/sqrt(E) scale folded in); P rounded to fp16 for the P V product. Head dim 64, BH = 96.
// Each kernel: correctness check on a sample against a CPU reference (output poisoned first, all of
// it checked for non-finite values), then median/min/max of 20 event-timed runs after 5 warm-up
// launches, then (budget allowing) an NVML energy window of back-to-back launches (common.cuh).
//
// Usage: neural <neural.csv> [--deadline-s S] [--energy-s S] [--parts hash,mlp,attn]
#include <cuda_fp16.h>
#include <mma.h>

#include "common.cuh"

using namespace nvcuda;

// ------------------------------------------------------------------------------------------------
// Shared small kernels
// ------------------------------------------------------------------------------------------------
// p[i] = half(hash_uniform(i, seed) * scale)
__global__ void init_half_k(__half* p, size_t n, uint32_t seed, float scale) {
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = __float2half_rn(hash_uniform(i, seed) * scale);
}
// Positions in [0,1): (u + 1) * 0.5
__device__ __host__ inline float unit_pos(uint64_t i, uint32_t seed) { return (hash_uniform(i, seed) + 1.0f) * 0.5f; }
__global__ void init_pos_k(float* p, size_t n, uint32_t seed) {
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = unit_pos(i, seed);
}
__global__ void count_nonfinite_half_k(const __half* p, size_t n, unsigned long long* cnt) {
  unsigned long long c = 0;
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    if (!isfinite(__half2float(p[i]))) ++c;
  if (c) atomicAdd(cnt, c);
}
static inline float host_half(float x) { return __half2float(__float2half_rn(x)); }

// ------------------------------------------------------------------------------------------------
// 1. Hash-grid encoding
// ------------------------------------------------------------------------------------------------
constexpr int HG_L = 16;
struct HGParams {
  float scale[HG_L];
  uint32_t res[HG_L];
  uint32_t dense[HG_L];
  uint32_t T;  // entries per level (power of two)
};

__host__ __device__ inline uint32_t hg_index(uint32_t x, uint32_t y, uint32_t z, uint32_t res, bool dense,
                                             uint32_t T) {
  uint32_t i = dense ? (x + y * res + z * res * res) : (x * 1u) ^ (y * 2654435761u) ^ (z * 805459861u);
  return i & (T - 1u);
}

__global__ void __launch_bounds__(256) hashgrid_fwd_k(const float* __restrict__ pos, const __half2* __restrict__ table,
                                                      __half2* __restrict__ out, uint32_t n_points, HGParams p) {
  const uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n_points * HG_L) return;
  const uint32_t pt = i / HG_L;
  const int l = i % HG_L;
  const float s = p.scale[l];
  const uint32_t res = p.res[l];
  const bool dense = p.dense[l] != 0;
  const __half2* tbl = table + (size_t)l * p.T;
  float g[3], f[3];
  uint32_t gi[3];
#pragma unroll
  for (int d = 0; d < 3; ++d) {
    float x = __fmaf_rn(__ldg(pos + 3 * (size_t)pt + d), s, 0.5f);
    g[d] = floorf(x);
    f[d] = x - g[d];
    gi[d] = (uint32_t)g[d];
  }
  float ax = 0.f, ay = 0.f;
#pragma unroll
  for (int c = 0; c < 8; ++c) {
    const int bx = c & 1, by = (c >> 1) & 1, bz = (c >> 2) & 1;
    float w = (bx ? f[0] : 1.f - f[0]) * (by ? f[1] : 1.f - f[1]) * (bz ? f[2] : 1.f - f[2]);
    uint32_t idx = hg_index(gi[0] + bx, gi[1] + by, gi[2] + bz, res, dense, p.T);
    float2 v = __half22float2(__ldg(tbl + idx));
    ax = fmaf(w, v.x, ax);
    ay = fmaf(w, v.y, ay);
  }
  out[i] = __floats2half2_rn(ax, ay);
}

// ------------------------------------------------------------------------------------------------
// 2. Fully fused MLP (WMMA)
// ------------------------------------------------------------------------------------------------
constexpr int MLP_ROWS = 128;   // batch rows per block
constexpr int MLP_WARPS = 8;    // 16 rows per warp
constexpr int MLP_OUT = 16;     // output layer width
template <int W>
struct MlpSmem {
  static constexpr int LD = W + 8;                         // padded row (halves)
  static constexpr int w_bytes = W * LD * 2;               // one layer's weights (K x N, row-major)
  static constexpr int act_bytes = MLP_ROWS * LD * 2;      // one activation buffer
  static constexpr int scratch_bytes = MLP_WARPS * 256 * 4;  // per-warp 16x16 fp32 tile
  static constexpr int total = w_bytes + 2 * act_bytes + scratch_bytes;
};

// X: n x W fp16 (row-major); Wts: layers x (W x W) then W x 16, each K x N row-major (y = x * Wl);
// Y: n x 16 fp16. n must be a multiple of 128.
template <int W>
__global__ void __launch_bounds__(MLP_WARPS * 32) mlp_fused_k(const __half* __restrict__ X, const __half* __restrict__ Wts,
                                                              __half* __restrict__ Y, int layers) {
  using S = MlpSmem<W>;
  constexpr int LD = S::LD;
  extern __shared__ __align__(128) unsigned char smem[];
  __half* sW = reinterpret_cast<__half*>(smem);
  __half* act0 = reinterpret_cast<__half*>(smem + S::w_bytes);
  __half* act1 = reinterpret_cast<__half*>(smem + S::w_bytes + S::act_bytes);
  float* scratch = reinterpret_cast<float*>(smem + S::w_bytes + 2 * S::act_bytes);
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  float* sc = scratch + warp * 256;
  const size_t row0 = (size_t)blockIdx.x * MLP_ROWS;

  // Input tile -> act0 (16-byte vectors; W/8 vectors per row).
  for (int v = threadIdx.x; v < MLP_ROWS * W / 8; v += blockDim.x) {
    int r = v / (W / 8), c = (v % (W / 8)) * 8;
    *reinterpret_cast<uint4*>(act0 + r * LD + c) = *reinterpret_cast<const uint4*>(X + (row0 + r) * W + c);
  }
  __half* in = act0;
  __half* out = act1;
  for (int l = 0; l <= layers; ++l) {
    const bool last = l == layers;
    const int NO = last ? MLP_OUT : W;  // output width of this layer
    const __half* wg = Wts + (size_t)l * W * W;
    __syncthreads();  // previous layer's reads of sW (and the input tile) are done
    for (int v = threadIdx.x; v < W * NO / 8; v += blockDim.x) {
      int r = v / (NO / 8), c = (v % (NO / 8)) * 8;
      *reinterpret_cast<uint4*>(sW + r * LD + c) = *reinterpret_cast<const uint4*>(wg + r * NO + c);
    }
    __syncthreads();
    wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a[W / 16];
#pragma unroll
    for (int k = 0; k < W / 16; ++k) wmma::load_matrix_sync(a[k], in + warp * 16 * LD + k * 16, LD);
    for (int j = 0; j < NO / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.f);
#pragma unroll
      for (int k = 0; k < W / 16; ++k) {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> b;
        wmma::load_matrix_sync(b, sW + k * 16 * LD + j * 16, LD);
        wmma::mma_sync(acc, a[k], b, acc);
      }
      wmma::store_matrix_sync(sc, acc, 16, wmma::mem_row_major);
      __syncwarp();
      if (!last) {
#pragma unroll
        for (int e = lane; e < 256; e += 32)
          out[(warp * 16 + e / 16) * LD + j * 16 + e % 16] = __float2half_rn(fmaxf(sc[e], 0.f));
      } else {
#pragma unroll
        for (int e = lane; e < 256; e += 32)
          Y[(row0 + warp * 16 + e / 16) * MLP_OUT + e % 16] = __float2half_rn(sc[e]);
      }
      __syncwarp();
    }
    __half* t = in;
    in = out;
    out = t;
  }
}

// ------------------------------------------------------------------------------------------------
// 3. Flash-style attention forward (WMMA), head dim 64
// ------------------------------------------------------------------------------------------------
constexpr int AT_E = 64, AT_BQ = 64, AT_BK = 64, AT_WARPS = 4;
constexpr int AT_LDH = AT_E + 8;  // padded half row
constexpr int AT_LDF = AT_BK + 4;  // padded float row
constexpr int AT_SMEM = 3 * 64 * AT_LDH * 2 + AT_WARPS * 16 * AT_LDH * 2 + 2 * AT_WARPS * 16 * AT_LDF * 4;

// Q, K, V, O: [BH][S][64] fp16. S must be a multiple of 64. grid = (S/64, BH), block = 128.
__global__ void __launch_bounds__(AT_WARPS * 32) flash_attn_fwd_k(const __half* __restrict__ Q,
                                                                  const __half* __restrict__ K,
                                                                  const __half* __restrict__ V,
                                                                  __half* __restrict__ O, int S, float scale_log2) {
  extern __shared__ __align__(128) unsigned char smem[];
  __half* sQ = reinterpret_cast<__half*>(smem);
  __half* sK = sQ + 64 * AT_LDH;
  __half* sV = sK + 64 * AT_LDH;
  __half* sP = sV + 64 * AT_LDH;
  float* sS = reinterpret_cast<float*>(sP + AT_WARPS * 16 * AT_LDH);
  float* sO = sS + AT_WARPS * 16 * AT_LDF;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const size_t base = (size_t)blockIdx.y * S * AT_E;
  const int q0 = blockIdx.x * AT_BQ;
  __half* sPw = sP + warp * 16 * AT_LDH;
  float* sSw = sS + warp * 16 * AT_LDF;
  float* sOw = sO + warp * 16 * AT_LDF;

  for (int v = threadIdx.x; v < 64 * AT_E / 8; v += blockDim.x) {
    int r = v / (AT_E / 8), c = (v % (AT_E / 8)) * 8;
    *reinterpret_cast<uint4*>(sQ + r * AT_LDH + c) = *reinterpret_cast<const uint4*>(Q + base + (size_t)(q0 + r) * AT_E + c);
  }
  for (int e = lane; e < 16 * AT_LDF; e += 32) sOw[e] = 0.f;
  const int r = lane >> 1, h = lane & 1;  // this lane's row and column parity (columns h, h+2, ...)
  float m_run = -INFINITY, l_run = 0.f;
  __syncthreads();
  wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> qa[AT_E / 16];
#pragma unroll
  for (int k = 0; k < AT_E / 16; ++k) wmma::load_matrix_sync(qa[k], sQ + warp * 16 * AT_LDH + k * 16, AT_LDH);

  for (int kt = 0; kt < S; kt += AT_BK) {
    __syncthreads();  // everyone is done with the previous K/V tile
    for (int v = threadIdx.x; v < AT_BK * AT_E / 8; v += blockDim.x) {
      int rr = v / (AT_E / 8), c = (v % (AT_E / 8)) * 8;
      size_t g = base + (size_t)(kt + rr) * AT_E + c;
      *reinterpret_cast<uint4*>(sK + rr * AT_LDH + c) = *reinterpret_cast<const uint4*>(K + g);
      *reinterpret_cast<uint4*>(sV + rr * AT_LDH + c) = *reinterpret_cast<const uint4*>(V + g);
    }
    __syncthreads();
    // S = Q K^T (16 x 64 per warp). K^T as a (dim x key) matrix is col-major in sK.
#pragma unroll
    for (int j = 0; j < AT_BK / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.f);
#pragma unroll
      for (int k = 0; k < AT_E / 16; ++k) {
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> kb;
        wmma::load_matrix_sync(kb, sK + j * 16 * AT_LDH + k * 16, AT_LDH);
        wmma::mma_sync(acc, qa[k], kb, acc);
      }
      wmma::store_matrix_sync(sSw + j * 16, acc, AT_LDF, wmma::mem_row_major);
    }
    __syncwarp();
    // Online softmax: two lanes per row, 32 columns each.
    float* srow = sSw + r * AT_LDF;
    float mx = -INFINITY;
#pragma unroll 8
    for (int i = 0; i < 32; ++i) mx = fmaxf(mx, srow[2 * i + h] * scale_log2);
    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
    const float m_new = fmaxf(m_run, mx);
    const float alpha = exp2f(m_run - m_new);
    float sum = 0.f;
#pragma unroll 8
    for (int i = 0; i < 32; ++i) {
      float pv = exp2f(srow[2 * i + h] * scale_log2 - m_new);
      sPw[r * AT_LDH + 2 * i + h] = __float2half_rn(pv);
      sum += pv;
    }
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    l_run = l_run * alpha + sum;
    m_run = m_new;
    float* orow = sOw + r * AT_LDF;
#pragma unroll 8
    for (int i = 0; i < 32; ++i) orow[2 * i + h] *= alpha;
    __syncwarp();
    // O += P V
#pragma unroll
    for (int j = 0; j < AT_E / 16; ++j) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> oacc;
      wmma::load_matrix_sync(oacc, sOw + j * 16, AT_LDF, wmma::mem_row_major);
#pragma unroll
      for (int k = 0; k < AT_BK / 16; ++k) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> pa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> vb;
        wmma::load_matrix_sync(pa, sPw + k * 16, AT_LDH);
        wmma::load_matrix_sync(vb, sV + k * 16 * AT_LDH + j * 16, AT_LDH);
        wmma::mma_sync(oacc, pa, vb, oacc);
      }
      wmma::store_matrix_sync(sOw + j * 16, oacc, AT_LDF, wmma::mem_row_major);
    }
    __syncwarp();
  }
  const float inv = 1.f / l_run;
  __half* orow_g = O + base + (size_t)(q0 + warp * 16 + r) * AT_E;
  const float* orow = sOw + r * AT_LDF;
#pragma unroll 8
  for (int i = 0; i < 32; ++i) orow_g[2 * i + h] = __float2half_rn(orow[2 * i + h] * inv);
}

// ------------------------------------------------------------------------------------------------
// Output row: kernels.csv's columns, then extra columns at the end.
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
  // extra
  long table_size = -1, levels = -1, features = -1, points = -1, dense_levels = -1, base_res = -1;
  double growth = NAN;
  long width = -1, layers = -1, rows = -1, seq = -1, head_dim = -1, bh = -1;
  double gather_bytes = NAN, rel_l2 = NAN, max_abs_err = NAN;
};

static const char* kHeader =
    "name,class,dtype,grid,block,regs,smem,flops,bytes,median_ms,min_ms,max_ms,runs,energy_window_s,"
    "launches_in_window,energy_j_per_launch,avg_power_w,ss_power_w,ss_updates,temp_c_end,sm_clock_mhz_end,"
    "clock_event_reasons_end,blocks_per_sm,ilp,warps_per_sm,M,N,K,batch,layout,rot_sets,tflops,gbps,check,"
    "table_size,levels,features,points,dense_levels,base_res,growth,gather_bytes,width,layers,rows,seq,head_dim,bh,"
    "rel_l2,max_abs_err\n";

static void write_row(FILE* f, const Row& r) {
  auto L = [](long v) { return v < 0 ? std::string() : std::to_string(v); };
  double sec = r.st.median_ms * 1e-3;
  std::string tf = (r.flops > 0 && sec > 0) ? fnum(r.flops / sec * 1e-12, "%.4f") : "";
  std::string gb = (r.bytes > 0 && sec > 0) ? fnum(r.bytes / sec * 1e-9, "%.2f") : "";
  const EnergyResult& e = r.en;
  std::string cr;
  if (e.valid && e.clock_reasons_end >= 0) cr = fmt("0x%llx", (unsigned long long)e.clock_reasons_end);
  std::fprintf(f, "%s,%s,%s,%s,%s,%s,%s,%.0f,%.0f,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s",
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
  std::fprintf(f, ",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", L(r.table_size).c_str(), L(r.levels).c_str(),
               L(r.features).c_str(), L(r.points).c_str(), L(r.dense_levels).c_str(), L(r.base_res).c_str(),
               fnum(r.growth, "%.4g").c_str(), fnum(r.gather_bytes, "%.0f").c_str(), L(r.width).c_str(),
               L(r.layers).c_str(), L(r.rows).c_str(), L(r.seq).c_str(), L(r.head_dim).c_str(), L(r.bh).c_str(),
               fnum(r.rel_l2, "%.3e").c_str(), fnum(r.max_abs_err, "%.3e").c_str());
  std::fflush(f);
}

struct Ctx {
  DeviceInfo d;
  Nvml nv;
  EnergySampler* sampler = nullptr;
  FILE* f = nullptr;
  double t0 = 0, deadline_s = 200, energy_s = 1.0;
  int warmup = 5, runs = 20;
  int energy_rows = 0, rows = 0, skipped = 0;
  unsigned long long* d_cnt = nullptr;
  double elapsed() const { return host_now_s() - t0; }
};

static void report(Ctx& c, const Row& r) {
  write_row(c.f, r);
  ++c.rows;
  if (r.en.valid) ++c.energy_rows;
  double sec = r.st.median_ms * 1e-3;
  std::printf("  %-34s %-9s median %9.4f ms", r.name.c_str(), r.cls.c_str(), r.st.median_ms);
  if (r.flops > 0 && sec > 0) std::printf("  %8.2f TFLOP/s", r.flops / sec * 1e-12);
  if (r.bytes > 0 && sec > 0) std::printf("  %7.1f GB/s", r.bytes / sec * 1e-9);
  if (r.en.valid)
    std::printf("  E %.4g J/launch, %.0f W (ss %.0f W, %d upd)", r.en.j_per_launch, r.en.avg_power_w, r.en.ss_power_w,
                r.en.ss_updates);
  std::printf("  [%s] t=%.0fs\n", r.check.c_str(), c.elapsed());
  std::fflush(stdout);
}

static void check_result(const std::string& what, bool ok, const std::string& detail, std::string* out) {
  *out = (ok ? "ok " : "FAIL ") + detail;
  if (!ok) {
    ++g_check_failures;
    std::printf("CHECK FAIL %s: %s\n", what.c_str(), detail.c_str());
  }
}

// Time, then an energy window (>= 10 us kernels, while the budget allows: `rows_left` rows still to do).
static void measure(Ctx& c, Row& r, const std::function<void(int)>& launch, int rows_left) {
  r.st = time_launches(launch, c.warmup, c.runs);
  double left = c.deadline_s - 10 - c.elapsed();
  bool want = r.st.median_ms >= 0.01 && left > rows_left * (c.energy_s + 0.5) + c.energy_s;
  if (!want && left > c.energy_s + 1 && r.st.median_ms >= 0.05) want = true;  // short on time: big kernels only
  if (want && c.nv.ok) r.en = energy_window(c.nv, *c.sampler, launch, r.st.median_ms, c.energy_s);
}

static void fill_launch(Row& r, const void* fn, long grid, long block, long smem) {
  cudaFuncAttributes at{};
  CUDA_CHECK(cudaFuncGetAttributes(&at, fn));
  r.regs = at.numRegs;
  r.grid = grid;
  r.block = block;
  r.smem = smem;
  int bps = 0;
  CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&bps, fn, (int)block, (size_t)smem));
  r.blocks_per_sm = bps;
  r.warps_per_sm = bps * block / 32;
}

static unsigned long long count_nonfinite(Ctx& c, const __half* p, size_t n) {
  CUDA_CHECK(cudaMemset(c.d_cnt, 0, sizeof(unsigned long long)));
  count_nonfinite_half_k<<<2048, 256>>>(p, n, c.d_cnt);
  CUDA_LAUNCH_CHECK();
  unsigned long long v = 0;
  CUDA_CHECK(cudaMemcpy(&v, c.d_cnt, sizeof v, cudaMemcpyDeviceToHost));
  return v;
}

static void init_half(__half* p, size_t n, uint32_t seed, float scale) {
  init_half_k<<<4096, 256>>>(p, n, seed, scale);
  CUDA_LAUNCH_CHECK();
}

// ------------------------------------------------------------------------------------------------
// hash part
// ------------------------------------------------------------------------------------------------
static HGParams hg_params(uint32_t T, float b, int base, int* dense_levels) {
  HGParams p{};
  p.T = T;
  *dense_levels = 0;
  for (int l = 0; l < HG_L; ++l) {
    double sc = (double)base * std::pow((double)b, (double)l) - 1.0;
    p.scale[l] = (float)sc;
    p.res[l] = (uint32_t)std::ceil((double)p.scale[l]) + 2;  // vertices per axis: corners 0..floor(scale+0.5)+1
    double cells = (double)p.res[l] * p.res[l] * p.res[l];
    p.dense[l] = cells <= (double)T ? 1u : 0u;
    *dense_levels += p.dense[l];
  }
  return p;
}

// The hash rows' configurations: T = 2^14 .. 2^24 entries a level at growth 1.5 and 2^20 points,
// T = 2^19 at growth 2.0, T = 2^19 at 2^22 points.
struct HashCfg {
  int log2T;
  float b;
  int log2N;
};
static std::vector<HashCfg> hash_configs() {
  std::vector<HashCfg> cfgs;
  for (int lt : {14, 16, 18, 19, 20, 22, 24}) cfgs.push_back({lt, 1.5f, 20});
  cfgs.push_back({19, 2.0f, 20});
  cfgs.push_back({19, 1.5f, 22});
  return cfgs;
}

static void run_hash(Ctx& c) {
  const std::vector<HashCfg> cfgs = hash_configs();
  const int base = 16;
  size_t maxN = (size_t)1 << 22;
  size_t maxT = (size_t)1 << 24;
  float* pos = nullptr;
  __half2* table = nullptr;
  __half2* out = nullptr;
  CUDA_CHECK(cudaMalloc(&pos, maxN * 3 * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&table, maxT * HG_L * sizeof(__half2)));
  CUDA_CHECK(cudaMalloc(&out, maxN * HG_L * sizeof(__half2)));
  int idx = 0;
  for (const HashCfg& g : cfgs) {
    ++idx;
    if (c.elapsed() > c.deadline_s) {
      ++c.skipped;
      continue;
    }
    const uint32_t T = 1u << g.log2T;
    const uint32_t N = 1u << g.log2N;
    int nd = 0;
    HGParams p = hg_params(T, g.b, base, &nd);
    const uint32_t seed_pos = 100 + idx, seed_tab = 200 + idx;
    init_pos_k<<<4096, 256>>>(pos, (size_t)N * 3, seed_pos);
    init_half((__half*)table, (size_t)T * HG_L * 2, seed_tab, 1.0f);
    CUDA_CHECK(cudaDeviceSynchronize());
    const long block = 256;
    const long grid = (long)(((size_t)N * HG_L + block - 1) / block);
    Row r;
    r.name = fmt("hashgrid_T2^%d_b%.1f_N2^%d", g.log2T, g.b, g.log2N);
    r.cls = "hash_grid";
    r.dtype = "fp16";
    fill_launch(r, (const void*)hashgrid_fwd_k, grid, block, 0);
    r.table_size = T;
    r.levels = HG_L;
    r.features = 2;
    r.points = N;
    r.dense_levels = nd;
    r.base_res = base;
    r.growth = g.b;
    r.layout = "out[N][L][F] point-major";
    // flops: 8 corners x F features x FMA (2) per (point, level); weight products not counted.
    r.flops = (double)N * HG_L * 8 * 2 * 2;
    // bytes: positions + output + the table entries that can be touched (dense levels: res^3 entries, read once).
    double tb = 0;
    for (int l = 0; l < HG_L; ++l) {
      double e = p.dense[l] ? (double)p.res[l] * p.res[l] * p.res[l] : (double)T;
      tb += std::min(e, 8.0 * N) * 4.0;
    }
    r.bytes = (double)N * 12 + (double)N * HG_L * 4 + tb;
    r.gather_bytes = (double)N * HG_L * 8 * 4;
    auto launch = [&, grid, N, p](int) { hashgrid_fwd_k<<<(unsigned)grid, (unsigned)block>>>(pos, table, out, N, p); };
    {
      CUDA_CHECK(cudaMemset(out, 0xFF, (size_t)N * HG_L * sizeof(__half2)));  // fp16 NaN poison
      launch(0);
      CUDA_LAUNCH_CHECK();
      CUDA_CHECK(cudaDeviceSynchronize());
      unsigned long long nf = count_nonfinite(c, (const __half*)out, (size_t)N * HG_L * 2);
      std::vector<__half2> got((size_t)N * HG_L);
      CUDA_CHECK(cudaMemcpy(got.data(), out, got.size() * sizeof(__half2), cudaMemcpyDeviceToHost));
      double num = 0, den = 0, worst = 0;
      int bad = 0;
      const int samples = 4096;
      for (int k = 0; k < samples; ++k) {
        uint32_t pt = (uint32_t)(((uint64_t)k * 2654435761ull + 7) % N);
        if (k == 0) pt = 0;
        if (k == 1) pt = N - 1;
        int l = k % HG_L;
        float fx[3];
        uint32_t gi[3];
        for (int d = 0; d < 3; ++d) {
          float x = std::fmaf(unit_pos((uint64_t)pt * 3 + d, seed_pos), p.scale[l], 0.5f);
          float gg = std::floor(x);
          fx[d] = x - gg;
          gi[d] = (uint32_t)gg;
        }
        double ref[2] = {0, 0};
        for (int cc = 0; cc < 8; ++cc) {
          int bx = cc & 1, by = (cc >> 1) & 1, bz = (cc >> 2) & 1;
          double w = (double)(bx ? fx[0] : 1.f - fx[0]) * (by ? fx[1] : 1.f - fx[1]) * (bz ? fx[2] : 1.f - fx[2]);
          uint32_t ix = hg_index(gi[0] + bx, gi[1] + by, gi[2] + bz, p.res[l], p.dense[l] != 0, T);
          for (int f = 0; f < 2; ++f)
            ref[f] += w * host_half(hash_uniform(((uint64_t)l * T + ix) * 2 + f, seed_tab));
        }
        float2 gv = __half22float2(got[(size_t)pt * HG_L + l]);
        double gvv[2] = {gv.x, gv.y};
        for (int f = 0; f < 2; ++f) {
          double e = std::fabs(gvv[f] - ref[f]);
          if (!(e <= 1e-3 + 1e-3 * std::fabs(ref[f]))) ++bad;
          worst = std::max(worst, std::isfinite(e) ? e : INFINITY);
          num += e * e;
          den += ref[f] * ref[f];
        }
      }
      r.rel_l2 = std::sqrt(num / std::max(den, 1e-300));
      r.max_abs_err = worst;
      bool ok = nf == 0 && bad == 0;
      check_result(r.name, ok,
                   fmt("nonfinite=%llu samples=%d bad=%d rel_l2=%.2e max_abs=%.2e (tol 1e-3 abs+rel)", nf, samples * 2,
                       bad, r.rel_l2, worst),
                   &r.check);
    }
    measure(c, r, launch, (int)cfgs.size() - idx + 30);
    report(c, r);
  }
  CUDA_CHECK(cudaFree(pos));
  CUDA_CHECK(cudaFree(table));
  CUDA_CHECK(cudaFree(out));
}

// ------------------------------------------------------------------------------------------------
// mlp part
// ------------------------------------------------------------------------------------------------
template <int W>
static void run_mlp_one(Ctx& c, int layers, int log2N, int idx, int rows_left) {
  using Sm = MlpSmem<W>;
  const size_t N = (size_t)1 << log2N;
  const size_t nW = (size_t)layers * W * W + (size_t)W * MLP_OUT;
  __half *X = nullptr, *Wt = nullptr, *Y = nullptr;
  CUDA_CHECK(cudaMalloc(&X, N * W * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&Wt, nW * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&Y, N * MLP_OUT * sizeof(__half)));
  const uint32_t seed_x = 300 + idx, seed_w = 400 + idx;
  const float wscale = std::sqrt(6.0f / W);  // Kaiming-uniform bound for ReLU
  init_half(X, N * W, seed_x, 1.0f);
  init_half(Wt, nW, seed_w, wscale);
  const void* fn = (const void*)mlp_fused_k<W>;
  CUDA_CHECK(cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, Sm::total));
  const long grid = (long)(N / MLP_ROWS), block = MLP_WARPS * 32;
  Row r;
  r.name = fmt("mlp_w%d_l%d_N2^%d", W, layers, log2N);
  r.cls = "mlp";
  r.dtype = "fp16";
  fill_launch(r, fn, grid, block, Sm::total);
  r.width = W;
  r.layers = layers;
  r.rows = (long)N;
  r.M = (long)N;
  r.N = W;
  r.K = W;
  r.layout = fmt("%d x (%dx%d ReLU) + %dx%d out; row-major; wmma m16n16k16 f16->f32", layers, W, W, W, MLP_OUT);
  r.flops = 2.0 * N * W * W * layers + 2.0 * N * W * MLP_OUT;
  r.bytes = (double)N * W * 2 + (double)N * MLP_OUT * 2 + (double)nW * 2;
  auto launch = [&, grid, block](int) {
    mlp_fused_k<W><<<(unsigned)grid, (unsigned)block, Sm::total>>>(X, Wt, Y, layers);
  };
  {
    CUDA_CHECK(cudaDeviceSynchronize());
    CUDA_CHECK(cudaMemset(Y, 0xFF, N * MLP_OUT * sizeof(__half)));
    launch(0);
    CUDA_LAUNCH_CHECK();
    CUDA_CHECK(cudaDeviceSynchronize());
    unsigned long long nf = count_nonfinite(c, Y, N * MLP_OUT);
    std::vector<float> w(nW);
    for (size_t i = 0; i < nW; ++i) w[i] = host_half(hash_uniform(i, seed_w) * wscale);
    double num = 0, den = 0, worst = 0;
    const int samples = 64;
    std::vector<float> hcur(W), hnext(W);
    for (int k = 0; k < samples; ++k) {
      size_t row = (size_t)(((uint64_t)k * 2654435761ull + 3) % N);
      if (k == 0) row = 0;
      if (k == 1) row = N - 1;
      for (int i = 0; i < W; ++i) hcur[i] = host_half(hash_uniform(row * W + i, seed_x));
      for (int l = 0; l < layers; ++l) {
        const float* wl = w.data() + (size_t)l * W * W;
        for (int n = 0; n < W; ++n) {
          double s = 0;
          for (int kk = 0; kk < W; ++kk) s += (double)hcur[kk] * wl[kk * W + n];
          hnext[n] = host_half((float)std::max(s, 0.0));
        }
        std::swap(hcur, hnext);
      }
      const float* wo = w.data() + (size_t)layers * W * W;
      __half got[MLP_OUT];
      CUDA_CHECK(cudaMemcpy(got, Y + row * MLP_OUT, sizeof got, cudaMemcpyDeviceToHost));
      for (int n = 0; n < MLP_OUT; ++n) {
        double s = 0;
        for (int kk = 0; kk < W; ++kk) s += (double)hcur[kk] * wo[kk * MLP_OUT + n];
        double e = std::fabs((double)__half2float(got[n]) - s);
        worst = std::max(worst, std::isfinite(e) ? e : INFINITY);
        num += e * e;
        den += s * s;
      }
    }
    r.rel_l2 = std::sqrt(num / std::max(den, 1e-300));
    r.max_abs_err = worst;
    bool ok = nf == 0 && r.rel_l2 <= 1e-2;
    check_result(r.name, ok,
                 fmt("nonfinite=%llu rows=%d rel_l2=%.2e max_abs=%.2e (tol rel_l2 1e-2; CPU rounds activations to fp16)",
                     nf, samples, r.rel_l2, worst),
                 &r.check);
  }
  measure(c, r, launch, rows_left);
  report(c, r);
  CUDA_CHECK(cudaFree(X));
  CUDA_CHECK(cudaFree(Wt));
  CUDA_CHECK(cudaFree(Y));
}

static void run_mlp(Ctx& c) {
  struct Cfg {
    int W, layers, log2N;
  };
  std::vector<Cfg> cfgs;
  for (int W : {64, 128})
    for (int layers : {2, 4})
      for (int lg : {18, 19, 20, 21}) cfgs.push_back({W, layers, lg});
  cfgs.push_back({64, 3, 20});
  cfgs.push_back({128, 3, 20});
  int idx = 0;
  for (const Cfg& g : cfgs) {
    ++idx;
    if (c.elapsed() > c.deadline_s) {
      ++c.skipped;
      continue;
    }
    int left = (int)cfgs.size() - idx + 4;
    if (g.W == 64) run_mlp_one<64>(c, g.layers, g.log2N, idx, left);
    else run_mlp_one<128>(c, g.layers, g.log2N, idx, left);
  }
}

// ------------------------------------------------------------------------------------------------
// attention part
// ------------------------------------------------------------------------------------------------
static void run_attn(Ctx& c) {
  const int BH = 96, E = AT_E;
  const std::vector<int> seqs = {512, 1024, 2048, 4096};
  const size_t maxn = (size_t)BH * 4096 * E;
  __half *Q = nullptr, *K = nullptr, *V = nullptr, *O = nullptr;
  CUDA_CHECK(cudaMalloc(&Q, maxn * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&K, maxn * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&V, maxn * sizeof(__half)));
  CUDA_CHECK(cudaMalloc(&O, maxn * sizeof(__half)));
  const void* fn = (const void*)flash_attn_fwd_k;
  CUDA_CHECK(cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, AT_SMEM));
  const float qscale = 2.0f;  // sharper softmax than uniform [-1,1) would give
  const float scale_log2 = (float)(1.0 / std::sqrt((double)E) * 1.4426950408889634);
  int idx = 0;
  for (int S : seqs) {
    ++idx;
    if (c.elapsed() > c.deadline_s) {
      ++c.skipped;
      continue;
    }
    const size_t n = (size_t)BH * S * E;
    const uint32_t sq = 500 + idx, sk = 600 + idx, sv = 700 + idx;
    init_half(Q, n, sq, qscale);
    init_half(K, n, sk, 1.0f);
    init_half(V, n, sv, 1.0f);
    CUDA_CHECK(cudaDeviceSynchronize());
    dim3 grid(S / AT_BQ, BH);
    Row r;
    r.name = fmt("flash_attn_fwd_bh%d_s%d_e%d", BH, S, E);
    r.cls = "attention";
    r.dtype = "fp16";
    fill_launch(r, fn, (long)grid.x * grid.y, AT_WARPS * 32, AT_SMEM);
    r.M = S;
    r.N = S;
    r.K = E;
    r.batch = BH;
    r.seq = S;
    r.head_dim = E;
    r.bh = BH;
    r.layout = "Q K V O [BH][S][E] fp16; non-causal; 64x64 tiles; wmma f16->f32; online softmax fp32";
    r.flops = 4.0 * BH * (double)S * S * E;
    r.bytes = 4.0 * n * 2;
    auto launch = [&, grid, S](int) {
      flash_attn_fwd_k<<<grid, AT_WARPS * 32, AT_SMEM>>>(Q, K, V, O, S, scale_log2);
    };
    {
      CUDA_CHECK(cudaMemset(O, 0xFF, n * sizeof(__half)));
      launch(0);
      CUDA_LAUNCH_CHECK();
      CUDA_CHECK(cudaDeviceSynchronize());
      unsigned long long nf = count_nonfinite(c, O, n);
      double num = 0, den = 0, worst = 0;
      const int samples = 16;
      std::vector<double> kd((size_t)S * E), vd((size_t)S * E), sc(S);
      int last_b = -1;
      for (int k = 0; k < samples; ++k) {
        int b = (k % 2 == 0) ? 0 : BH - 1;
        if (k >= 4) b = (int)(((uint64_t)k * 40503ull) % BH);
        int q = (int)(((uint64_t)k * 2654435761ull + 11) % S);
        if (k == 0) q = 0;
        if (k == 1) q = S - 1;
        size_t bb = (size_t)b * S * E;
        if (b != last_b) {
          for (size_t i = 0; i < (size_t)S * E; ++i) {
            kd[i] = host_half(hash_uniform(bb + i, sk));
            vd[i] = host_half(hash_uniform(bb + i, sv));
          }
          last_b = b;
        }
        double qv[AT_E];
        for (int e = 0; e < E; ++e) qv[e] = host_half(hash_uniform(bb + (size_t)q * E + e, sq) * qscale);
        double mx = -1e300;
        for (int j = 0; j < S; ++j) {
          double s = 0;
          for (int e = 0; e < E; ++e) s += qv[e] * kd[(size_t)j * E + e];
          sc[j] = s / std::sqrt((double)E);
          mx = std::max(mx, sc[j]);
        }
        double l = 0;
        for (int j = 0; j < S; ++j) l += (sc[j] = std::exp(sc[j] - mx));
        __half got[AT_E];
        CUDA_CHECK(cudaMemcpy(got, O + bb + (size_t)q * E, sizeof got, cudaMemcpyDeviceToHost));
        for (int e = 0; e < E; ++e) {
          double ref = 0;
          for (int j = 0; j < S; ++j) ref += sc[j] * vd[(size_t)j * E + e];
          ref /= l;
          double err = std::fabs((double)__half2float(got[e]) - ref);
          worst = std::max(worst, std::isfinite(err) ? err : INFINITY);
          num += err * err;
          den += ref * ref;
        }
      }
      r.rel_l2 = std::sqrt(num / std::max(den, 1e-300));
      r.max_abs_err = worst;
      bool ok = nf == 0 && r.rel_l2 <= 1e-2;
      check_result(r.name, ok,
                   fmt("nonfinite=%llu query_rows=%d rel_l2=%.2e max_abs=%.2e (tol rel_l2 1e-2; float64 CPU softmax)",
                       nf, samples, r.rel_l2, worst),
                   &r.check);
    }
    measure(c, r, launch, (int)seqs.size() - idx);
    report(c, r);
  }
  CUDA_CHECK(cudaFree(Q));
  CUDA_CHECK(cudaFree(K));
  CUDA_CHECK(cudaFree(V));
  CUDA_CHECK(cudaFree(O));
}

// ------------------------------------------------------------------------------------------------
int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Ctx c;
  c.t0 = host_now_s();
  const char* out_path = "neural.csv";
  std::string parts = "hash,mlp,attn";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--deadline-s" && i + 1 < argc) c.deadline_s = std::atof(argv[++i]);
    else if (a == "--energy-s" && i + 1 < argc) c.energy_s = std::atof(argv[++i]);
    else if (a == "--parts" && i + 1 < argc) parts = argv[++i];
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
  c.f = std::fopen(out_path, "w");
  if (!c.f) {
    std::perror(out_path);
    return 2;
  }
  write_meta(c.f, "neural", c.d, c.nv,
             {{"timing", fmt("CUDA event pair around each launch; %d warm-up, %d timed; median/min/max", c.warmup, c.runs)},
              {"energy", fmt("target window %.2f s of back-to-back launches (kernels >= 10 us while the budget allows), "
                             "count from a ~50 ms calibration burst; cudaDeviceSynchronize then "
                             "nvmlDeviceGetTotalEnergyConsumption before and after; energy_j_per_launch = dE/launches; "
                             "avg_power_w = dE/host window; ss_power_w = counter slope inside the window after 150 ms",
                             c.energy_s)},
              {"bytes", "minimum DRAM bytes: each input read once, each output written once. hash_grid: positions + "
                        "output + per level min(touchable entries, 8N) x 4 B (dense levels: res^3 entries); "
                        "gather_bytes = N*L*8 corners*4 B. mlp: X + Y + weights. attention: Q K V O"},
              {"flops", "hash_grid: N*L*8*F*2 (corner FMAs; weights not counted). mlp: 2*N*W*W*layers + 2*N*W*16. "
                        "attention: 4*BH*S*S*E (non-causal)"},
              {"hash_grid", "L=16 F=2 (__half2) base 16, scale_l = 16*b^l - 1, res_l = ceil(scale_l)+2 vertices/axis; "
                            "dense if res_l^3 <= T else hash x^y*2654435761^z*805459861 mod T; positions uniform [0,1)^3; "
                            "table uniform [-1,1) fp16; thread = (point, level), out[N][L][F]"},
              {"mlp", "fully fused: 128-row tile per 256-thread block; layers x (WxW ReLU) + Wx16 linear out; fp16 "
                      "weights/activations, fp32 accumulate (wmma); weights Kaiming-uniform sqrt(6/W), X uniform [-1,1)"},
              {"attention", "own flash-style forward: block (BH, 64-query tile), 4 warps x 16 rows, K/V 64-key tiles in "
                            "smem, wmma f16->f32, online softmax fp32 (exp2), P in fp16; Q uniform [-2,2), K V uniform "
                            "[-1,1); scale 1/sqrt(64)"},
              {"inputs_rotation", "none (single input set per row; hash/attention inputs exceed L2 at the larger sizes)"},
              {"deadline_s", fnum(c.deadline_s)}});
  std::fprintf(c.f, "%s", kHeader);
  if (has("hash")) {
    std::printf("== hash_grid\n");
    run_hash(c);
  }
  if (has("mlp")) {
    std::printf("== mlp\n");
    run_mlp(c);
  }
  if (has("attn")) {
    std::printf("== attention\n");
    run_attn(c);
  }
  sampler.stop();
  std::fclose(c.f);
  CUDA_CHECK(cudaFree(c.d_cnt));
  std::printf("SUMMARY neural: %d rows, %d with energy, %d skipped for the deadline, %d check failures, %.1f s -> %s\n",
              c.rows, c.energy_rows, c.skipped, g_check_failures, c.elapsed(), out_path);
  c.nv.shutdown();
  return g_check_failures ? 1 : 0;
}
