// Cascade CUDA measurement harness: probes of ngpc.cu's kernels, for a profiler or with CUDA events
// (median of 20 launches after 5 warm-up launches).
//
// march: where the NeRF march's time goes (ngpc.cu's march_k, one thread per ray walking up to 128
// occupancy-grid steps and writing up to 16 sample records of 7 fp32). Times march_k and variants
// that leave one part out or change it, at 2^18 and 2^20 rays:
//   full       march_k as measured in ngpc.csv (records AoS: sample j of ray r at record j*R + r)
//   no_store   the same walk, only the sample count written: the walk's gathers and arithmetic
//   soa_store  the records SoA (field q of sample j of ray r at (q*16 + j)*R + r): a warp's lanes
//              that write the same sample slot write consecutive words
//   encoding   ngpc.cu's hash-grid encoding (tcnn's grid_encode_k, hash3d) over the 2^B sample
//              slots, for comparison with the GPU model's L1/L2 description
// grids: ngpc.cu's four grid encodings (hash3d, hash2d, dense3d, tiled3d) at 2^22 points (or the
// --log2n list's), as its grid rows launch them, for the DRAM and L2 traffic of their gathers.
// mlp: ngpc.cu's fully fused MLP (ffmlp_k) at 2^22 rows with inputs of 16 and 32 and 1 to 3 hidden
// layers, as its ffmlp rows launch it, for where its time goes.
// Usage: ngpc_probe march|grids|mlp OUT.csv [--once] [--log2n 18,20,22]
//   --once: each kernel launched once, for a profiler; --log2n: the grids' point counts, as powers of two
#include <optional>

#define main ngpc_harness_main
#include "ngpc.cu"
#undef main

// march_ray's walk (ngpc.cu), with `store(n, record)` in place of its AoS record stores: a copy, so
// that ngpc.cu's kernels stay the code its committed measurements ran.
template <class Store>
__device__ inline uint32_t walk_ray(const float* ray, const uint8_t* __restrict__ bits, Store store) {
  float t = 0.5f * NR_DT;
  uint32_t n = 0, k = 0;
  while (k < NR_STEPS) {
    const float p0 = fmaf(ray[3], t, ray[0]), p1 = fmaf(ray[4], t, ray[1]), p2 = fmaf(ray[5], t, ray[2]);
    if (!(p0 >= 0.f && p0 < 1.f && p1 >= 0.f && p1 < 1.f && p2 >= 0.f && p2 < 1.f)) break;
    ++k;
    const uint32_t m = morton3D((uint32_t)(p0 * (float)NR_GRID), (uint32_t)(p1 * (float)NR_GRID),
                                (uint32_t)(p2 * (float)NR_GRID));
    if (bits[m >> 3] & (1u << (m & 7))) {
      const float record[NR_REC] = {p0, p1, p2, fmaf(ray[3], 0.5f, 0.5f), fmaf(ray[4], 0.5f, 0.5f),
                                    fmaf(ray[5], 0.5f, 0.5f), NR_DT};
      store(n, record);
      if (++n == NR_S) break;
    }
    t += NR_DT;
  }
  return n;
}

// The walk alone: no record stored, only the sample count written.
__global__ void __launch_bounds__(128) march_nostore_k(uint32_t R, const float* __restrict__ rays,
                                                       const uint8_t* __restrict__ bits, uint32_t* __restrict__ nsamp) {
  const uint32_t r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= R) return;
  float ray[6];
#pragma unroll
  for (int q = 0; q < 6; ++q) ray[q] = rays[(size_t)r * 6 + q];
  nsamp[r] = walk_ray(ray, bits, [](uint32_t, const float*) {});
}

// The records stored SoA: field q of sample n at out[(q * NR_S + n) * R + r].
__global__ void __launch_bounds__(128) march_soa_k(uint32_t R, const float* __restrict__ rays,
                                                   const uint8_t* __restrict__ bits, float* __restrict__ out,
                                                   uint32_t* __restrict__ nsamp) {
  const uint32_t r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= R) return;
  float ray[6];
#pragma unroll
  for (int q = 0; q < 6; ++q) ray[q] = rays[(size_t)r * 6 + q];
  nsamp[r] = walk_ray(ray, bits, [=](uint32_t n, const float* record) {
#pragma unroll
    for (int q = 0; q < NR_REC; ++q) out[((size_t)q * NR_S + n) * R + r] = record[q];
  });
}

// Each grid encoding at each point count as ngpc.cu's run_grid launches it.
static void probe_grids(FILE* out, bool once, const std::vector<int>& log2n) {
  std::fprintf(out, "grid,points,median_ms,min_ms,max_ms\n");
  int gi = 0;
  for (const int ln : log2n) {
    for (const GridCfg& g : kGrids) {
      ++gi;
      const size_t N = size_t{1} << ln;
      const GridLayout lay = grid_layout(g);
      float* pos = nullptr;
      __half *table = nullptr, *enc = nullptr;
      CUDA_CHECK(cudaMalloc(&pos, N * g.D * sizeof(float)));
      CUDA_CHECK(cudaMalloc(&table, lay.entries * g.F * sizeof(__half)));
      CUDA_CHECK(cudaMalloc(&enc, N * g.L * g.F * sizeof(__half)));
      init_half(table, lay.entries * g.F, 1000 + gi, 1.0f);
      init_pos_k<<<4096, 256>>>(pos, N * g.D, 2000 + gi * 64 + ln);
      CUDA_LAUNCH_CHECK();
      CUDA_CHECK(cudaDeviceSynchronize());
      const GridKernel fn = grid_kernel(g);
      const dim3 grid((unsigned)((N + GE_THREADS - 1) / GE_THREADS), (unsigned)g.L);
      const GridOffsets tab = lay.tab;
      const float log2b = lay.log2b;
      const auto launch = [&](int) {
        fn<<<grid, GE_THREADS>>>((uint32_t)N, pos, (uint32_t)g.D, tab, (uint32_t)g.base, log2b, g.type, table, enc);
      };
      if (const auto s = probe_launch(launch, once)) {
        std::fprintf(out, "%s,%zu,%.6f,%.6f,%.6f\n", g.tag, N, s->median_ms, s->min_ms, s->max_ms);
        std::printf("%-8s N=%zu  %.4f ms\n", g.tag, N, s->median_ms);
      }
      CUDA_CHECK(cudaFree(pos));
      CUDA_CHECK(cudaFree(table));
      CUDA_CHECK(cudaFree(enc));
    }
  }
}

// ffmlp_k at 2^22 rows as ngpc.cu's run_mlp launches it.
static void probe_mlp(FILE* out, bool once) {
  std::fprintf(out, "in,hidden,rows,median_ms,min_ms,max_ms\n");
  const size_t N = size_t{1} << 22;
  const std::pair<int, int> shapes[] = {{16, 1}, {32, 1}, {32, 2}, {32, 3}};
  for (const auto& [in, hidden] : shapes) {
    const size_t nW = mlp_weight_count(in, hidden);
    __half *X = nullptr, *Wt = nullptr, *Y = nullptr;
    CUDA_CHECK(cudaMalloc(&X, N * in * sizeof(__half)));
    CUDA_CHECK(cudaMalloc(&Wt, nW * sizeof(__half)));
    CUDA_CHECK(cudaMalloc(&Y, N * FOUT * sizeof(__half)));
    init_half(X, N * in, 3000 + in + hidden, 1.0f);
    init_mlp_weights(Wt, in, hidden, 3100 + in + hidden);
    const MlpKernel fn = mlp_kernel(in);
    CUDA_CHECK(cudaFuncSetAttribute((const void*)fn, cudaFuncAttributeMaxDynamicSharedMemorySize, F_SMEM));
    const unsigned grid = (unsigned)(N / FROWS);
    const int h = hidden;
    const auto launch = [&](int) { fn<<<grid, FWARPS * 32, F_SMEM>>>(X, Wt, Y, h, (uint32_t)N); };
    if (const auto s = probe_launch(launch, once)) {
      std::fprintf(out, "%d,%d,%zu,%.6f,%.6f,%.6f\n", in, hidden, N, s->median_ms, s->min_ms, s->max_ms);
      std::printf("mlp in%d h%d N=%zu  %.4f ms\n", in, hidden, N, s->median_ms);
    }
    CUDA_CHECK(cudaFree(X));
    CUDA_CHECK(cudaFree(Wt));
    CUDA_CHECK(cudaFree(Y));
  }
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 3 || (mode != "march" && mode != "grids" && mode != "mlp")) {
    std::fprintf(stderr, "usage: ngpc_probe march|grids|mlp OUT.csv [--once] [--log2n 18,20,22]\n");
    return 2;
  }
  bool once = false;
  std::vector<int> log2n{22};
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--once") {
      once = true;
    } else if (a == "--log2n" && i + 1 < argc) {
      log2n.clear();
      for (const char* p = argv[++i]; *p;) {
        char* end = nullptr;
        const long v = std::strtol(p, &end, 10);
        if (end == p || v < 10 || v > 24) {
          std::fprintf(stderr, "--log2n: give powers of two from 10 to 24, comma separated\n");
          return 2;
        }
        log2n.push_back((int)v);
        p = *end == ',' ? end + 1 : end;
      }
    } else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  FILE* out = open_probe_csv(argv[2], "ngpc_probe", mode);
  if (mode == "grids" || mode == "mlp") {
    if (mode == "grids") {
      probe_grids(out, once, log2n);
    } else {
      probe_mlp(out, once);
    }
    std::fclose(out);
    return 0;
  }
  std::fprintf(out, "variant,rays,median_ms,min_ms,max_ms,steps_total,samples_total\n");
  const size_t nbits = (size_t)NR_GRID * NR_GRID * NR_GRID / 8;
  std::vector<uint8_t> hbits(nbits, 0);
  for (uint32_t m = 0; m < (uint32_t)(NR_GRID * NR_GRID * NR_GRID); ++m)
    if (hash_uniform(m, 5100) < -0.6f) hbits[m >> 3] |= (uint8_t)(1u << (m & 7));
  const GridCfg& g = kGrids[0];
  const GridLayout lay = grid_layout(g);
  for (const uint32_t R : {1u << 18, 1u << 20}) {
    const size_t B = (size_t)R * NR_S;
    float *rays = nullptr, *samples = nullptr;
    uint8_t* bits = nullptr;
    uint32_t *nsamp = nullptr, *steps = nullptr;
    __half *table = nullptr, *enc = nullptr;
    CUDA_CHECK(cudaMalloc(&rays, (size_t)R * 6 * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&samples, B * NR_REC * sizeof(float)));
    CUDA_CHECK(cudaMalloc(&bits, nbits));
    CUDA_CHECK(cudaMalloc(&nsamp, (size_t)R * sizeof(uint32_t)));
    CUDA_CHECK(cudaMalloc(&steps, (size_t)R * sizeof(uint32_t)));
    CUDA_CHECK(cudaMalloc(&table, lay.entries * g.F * sizeof(__half)));
    CUDA_CHECK(cudaMalloc(&enc, B * 32 * sizeof(__half)));
    CUDA_CHECK(cudaMemcpy(bits, hbits.data(), nbits, cudaMemcpyHostToDevice));
    make_rays_k<<<(R + 255) / 256, 256>>>(R, 5002, rays);
    CUDA_LAUNCH_CHECK();
    fill_samples_k<<<4096, 256>>>(B, samples, 5202);
    CUDA_LAUNCH_CHECK();
    init_half(table, lay.entries * g.F, 5302, 1.0f);
    march_k<<<(R + 127) / 128, 128>>>(R, rays, bits, samples, nsamp, steps);
    CUDA_LAUNCH_CHECK();
    CUDA_CHECK(cudaDeviceSynchronize());
    std::vector<uint32_t> hs(R), hn(R);
    CUDA_CHECK(cudaMemcpy(hs.data(), steps, R * sizeof(uint32_t), cudaMemcpyDeviceToHost));
    CUDA_CHECK(cudaMemcpy(hn.data(), nsamp, R * sizeof(uint32_t), cudaMemcpyDeviceToHost));
    long steps_total = 0, samples_total = 0;
    for (uint32_t r = 0; r < R; ++r) steps_total += hs[r], samples_total += hn[r];
    const unsigned gm = (R + 127) / 128;
    const dim3 ge((unsigned)((B + GE_THREADS - 1) / GE_THREADS), (unsigned)g.L);
    const GridOffsets tab = lay.tab;
    const float log2b = lay.log2b;
    const std::pair<const char*, std::function<void(int)>> variants[] = {
        {"full", [&](int) { march_k<<<gm, 128>>>(R, rays, bits, samples, nsamp, nullptr); }},
        {"no_store", [&](int) { march_nostore_k<<<gm, 128>>>(R, rays, bits, nsamp); }},
        {"soa_store", [&](int) { march_soa_k<<<gm, 128>>>(R, rays, bits, samples, nsamp); }},
        {"encoding",
         [&](int) {
           grid_encode_k<3, 2><<<ge, GE_THREADS>>>((uint32_t)B, samples, NR_REC, tab, 16, log2b, kHash, table, enc);
         }},
    };
    for (const auto& [name, launch] : variants) {
      const auto s = probe_launch(launch, once);
      if (!s) continue;
      std::fprintf(out, "%s,%u,%.6f,%.6f,%.6f,%ld,%ld\n", name, R, s->median_ms, s->min_ms, s->max_ms, steps_total,
                   samples_total);
      std::printf("%-10s R=%u  %.4f ms (min %.4f, max %.4f)  steps %ld samples %ld\n", name, R, s->median_ms,
                  s->min_ms, s->max_ms, steps_total, samples_total);
    }
    CUDA_CHECK(cudaFree(rays));
    CUDA_CHECK(cudaFree(samples));
    CUDA_CHECK(cudaFree(bits));
    CUDA_CHECK(cudaFree(nsamp));
    CUDA_CHECK(cudaFree(steps));
    CUDA_CHECK(cudaFree(table));
    CUDA_CHECK(cudaFree(enc));
  }
  std::fclose(out);
  return 0;
}
