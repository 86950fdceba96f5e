// Cascade CUDA measurement harness: what a lone 32-byte sector costs at each level of the memory
// hierarchy, beside what streaming costs. CUDA events around each launch (median of 20 launches
// after 5 warm-up launches), or each kernel launched once (--once) for a profiler.
//
// gather: every thread loads 4 bytes at the start of a random 32-byte sector of a buffer, 8
//   independent loads at a time (no address depends on a loaded value), 1024 loads a thread, 2048
//   threads an SM. Through L1 (ld.global.nc, as __ldg) over footprints of 16 KiB to 1 MiB (what L1
//   keeps of a random footprint), and bypassing L1 (ld.global.cg) over footprints of 1 MiB to
//   2 GiB (L2's lone-sector rate, what of its capacity holds a random footprint, and DRAM's
//   lone-sector rate).
// stream: every thread loads 16-byte words of a buffer, a warp 512 contiguous bytes a load,
//   bypassing L1: an 8 MiB buffer read 64 times (L2's streaming rate) and a 2 GiB buffer read once
//   (DRAM's).
// inflight: the lone-sector gather bypassing L1 over 16 MiB and 2 GiB with 8 to 64 warps an SM and
//   8 or 1 loads in flight a thread (path l2_wW_iI): what bounds the rate, the round trip or a unit.
// Usage: memory_probe gather|stream|inflight OUT.csv [--once]
#include "common.cuh"

namespace {

constexpr int kThreads = 256;
constexpr int kLoads = 1024;  // a thread's loads

// kChained: each chain's next address depends on its last load's value (exactly kLoadsInFlight loads
// in flight a thread); otherwise no address depends on a loaded value.
template <bool kThroughL1, int kLoadsInFlight = 8, bool kChained = false>
__global__ void __launch_bounds__(kThreads, 2048 / kThreads) gather_k(const uint32_t* __restrict__ buf, uint32_t sectors,
                                                     uint32_t* __restrict__ out) {
  constexpr int kIterations = kLoads / kLoadsInFlight;
  const uint32_t tid = blockIdx.x * blockDim.x + threadIdx.x;
  uint32_t h[kLoadsInFlight];
#pragma unroll
  for (int j = 0; j < kLoadsInFlight; ++j) h[j] = tid * 2654435761u + j * 40503u + 1u;
  uint32_t acc = 0;
  for (int it = 0; it < kIterations; ++it) {
#pragma unroll
    for (int j = 0; j < kLoadsInFlight; ++j) {
      h[j] = h[j] * 1664525u + 1013904223u;
      const uint32_t sector = __umulhi(h[j], sectors);  // uniform over [0, sectors)
      const uint32_t* p = buf + (size_t)sector * 8;
      const uint32_t v = kThroughL1 ? __ldg(p) : __ldcg(p);
      if (kChained) h[j] += v >> 31;
      acc += v;
    }
  }
  out[tid] = acc;
}

__global__ void __launch_bounds__(kThreads) stream_k(const uint4* __restrict__ buf, size_t words, int passes,
                                                     uint32_t* __restrict__ out) {
  const size_t tid = (size_t)blockIdx.x * blockDim.x + threadIdx.x, stride = (size_t)gridDim.x * blockDim.x;
  uint32_t acc = 0;
  for (int p = 0; p < passes; ++p)
    for (size_t i = tid; i < words; i += stride) {
      const uint4 v = __ldcg(buf + i);
      acc ^= v.x ^ v.y ^ v.z ^ v.w;
    }
  out[tid] = acc;
}

__global__ void fill_k(uint32_t* p, size_t n) {
  for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    p[i] = (uint32_t)i * 2654435761u;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (argc < 3 || (mode != "gather" && mode != "stream" && mode != "inflight")) {
    std::fprintf(stderr, "usage: memory_probe gather|stream|inflight OUT.csv [--once]\n");
    return 2;
  }
  const bool once = argc > 3 && std::string(argv[3]) == "--once";
  FILE* out = open_probe_csv(argv[2], "memory_probe", mode);
  cudaDeviceProp prop;
  CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  std::fprintf(out, "kernel,path,footprint_bytes,loads,bytes_per_load,median_ms,min_ms,max_ms,loads_per_s\n");
  const size_t max_bytes = size_t{1} << 31;
  uint32_t* buf = nullptr;
  CUDA_CHECK(cudaMalloc(&buf, max_bytes));
  fill_k<<<4096, 256>>>(buf, max_bytes / 4);
  CUDA_LAUNCH_CHECK();
  const unsigned blocks = (unsigned)prop.multiProcessorCount * (2048 / kThreads);
  const size_t threads = (size_t)blocks * kThreads;
  uint32_t* sink = nullptr;
  CUDA_CHECK(cudaMalloc(&sink, threads * sizeof(uint32_t)));
  CUDA_CHECK(cudaDeviceSynchronize());
  const auto row = [&](const char* kernel, const char* path, size_t footprint, double loads, int bytes,
                       const std::optional<Stats>& s) {
    if (!s) return;
    std::fprintf(out, "%s,%s,%zu,%.0f,%d,%.6f,%.6f,%.6f,%.4g\n", kernel, path, footprint, loads, bytes, s->median_ms,
                 s->min_ms, s->max_ms, loads / (s->median_ms * 1e-3));
    std::printf("%-7s %-3s %11zu B  %.4f ms  %.4g loads/s\n", kernel, path, footprint, s->median_ms,
                loads / (s->median_ms * 1e-3));
    std::fflush(stdout);
  };
  if (mode == "gather") {
    const double loads = (double)threads * kLoads;
    for (const size_t kib : {16, 32, 64, 96, 128, 160, 192, 224, 256, 384, 512, 1024}) {
      const size_t bytes = kib << 10;
      row("gather", "l1", bytes, loads, 4,
          probe_launch([&](int) { gather_k<true><<<blocks, kThreads>>>(buf, (uint32_t)(bytes / 32), sink); }, once));
    }
    for (const size_t mib : {1, 4, 8, 16, 20, 24, 28, 32, 40, 48, 56, 64, 96, 128, 256, 1024, 2048}) {
      const size_t bytes = mib << 20;
      row("gather", "l2", bytes, loads, 4,
          probe_launch([&](int) { gather_k<false><<<blocks, kThreads>>>(buf, (uint32_t)(bytes / 32), sink); }, once));
    }
  } else if (mode == "inflight") {
    // Fewer warps an SM, or one load in flight a thread instead of 8, over a footprint L2 holds
    // (16 MiB) and one it does not (2 GiB): a rate that follows the loads in flight is bound by
    // their round trip, one that does not by a unit's throughput.
    for (const size_t mib : {16, 2048}) {
      const uint32_t sectors = (uint32_t)((mib << 20) / 32);
      for (const unsigned per_sm : {1u, 2u, 4u, 8u}) {
        const unsigned b = (unsigned)prop.multiProcessorCount * per_sm;
        const double n = (double)b * kThreads * kLoads;
        char path[32];
        std::snprintf(path, sizeof path, "l2_w%u_i8", per_sm * kThreads / 32);
        row("gather", path, mib << 20, n, 4,
            probe_launch([&](int) { gather_k<false, 8, true><<<b, kThreads>>>(buf, sectors, sink); }, once));
        std::snprintf(path, sizeof path, "l2_w%u_i1", per_sm * kThreads / 32);
        row("gather", path, mib << 20, n, 4,
            probe_launch([&](int) { gather_k<false, 1, true><<<b, kThreads>>>(buf, sectors, sink); }, once));
      }
    }
  } else {
    const size_t small = size_t{8} << 20;
    row("stream", "l2", small, 64.0 * small / 16, 16,
        probe_launch([&](int) { stream_k<<<blocks, kThreads>>>((const uint4*)buf, small / 16, 64, sink); }, once));
    row("stream", "dram", max_bytes, (double)max_bytes / 16, 16,
        probe_launch([&](int) { stream_k<<<blocks, kThreads>>>((const uint4*)buf, max_bytes / 16, 1, sink); }, once));
  }
  CUDA_CHECK(cudaFree(buf));
  CUDA_CHECK(cudaFree(sink));
  std::fclose(out);
  return 0;
}
