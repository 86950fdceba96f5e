// Cascade CUDA measurement harness: probes of neural.cu's hash-grid encoding (hashgrid_fwd_k, one
// thread per (point, level), the levels innermost), for a profiler or with CUDA events (median of 20
// launches after 5 warm-up launches).
//
// hash: the nine configurations of neural.cu's hash rows (T = 2^14 .. 2^24 entries a level at
// b = 1.5 and 2^20 points, T = 2^19 at b = 2.0, T = 2^19 at 2^22 points), launched as neural.cu
// launches them, for the L1, L2 and DRAM traffic of their gathers.
// Usage: neural_probe hash OUT.csv [--once]   (--once: each kernel launched once, for a profiler)
#define main neural_harness_main
#include "neural.cu"
#undef main

static void probe_hash(FILE* out, bool once) {
  std::fprintf(out, "config,median_ms,min_ms,max_ms\n");
  const size_t maxN = size_t{1} << 22, maxT = size_t{1} << 24;
  float* pos = nullptr;
  __half2 *table = nullptr, *enc = nullptr;
  CUDA_CHECK(cudaMalloc(&pos, maxN * 3 * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&table, maxT * HG_L * sizeof(__half2)));
  CUDA_CHECK(cudaMalloc(&enc, maxN * HG_L * sizeof(__half2)));
  int idx = 0;
  for (const HashCfg& g : hash_configs()) {
    ++idx;
    const uint32_t T = 1u << g.log2T, N = 1u << g.log2N;
    int dense_levels = 0;
    const HGParams p = hg_params(T, g.b, 16, &dense_levels);
    init_pos_k<<<4096, 256>>>(pos, (size_t)N * 3, 100 + idx);
    init_half((__half*)table, (size_t)T * HG_L * 2, 200 + idx, 1.0f);
    CUDA_CHECK(cudaDeviceSynchronize());
    const unsigned block = 256, grid = (unsigned)(((size_t)N * HG_L + block - 1) / block);
    const auto launch = [&](int) { hashgrid_fwd_k<<<grid, block>>>(pos, table, enc, N, p); };
    const std::optional<Stats> s = probe_launch(launch, once);
    const std::string name = fmt("hashgrid_T2^%d_b%.1f_N2^%d", g.log2T, g.b, g.log2N);
    if (s) {
      std::fprintf(out, "%s,%.6f,%.6f,%.6f\n", name.c_str(), s->median_ms, s->min_ms, s->max_ms);
      std::printf("%-28s %.4f ms\n", name.c_str(), s->median_ms);
    }
  }
  CUDA_CHECK(cudaFree(pos));
  CUDA_CHECK(cudaFree(table));
  CUDA_CHECK(cudaFree(enc));
}

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 3 || mode != "hash") {
    std::fprintf(stderr, "usage: neural_probe hash OUT.csv [--once]\n");
    return 2;
  }
  const bool once = argc > 3 && std::string(argv[3]) == "--once";
  FILE* out = open_probe_csv(argv[2], "neural_probe", mode);
  probe_hash(out, once);
  std::fclose(out);
  return 0;
}
