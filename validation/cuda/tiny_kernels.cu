// tiny_kernels.cu — kernels of a few threads to a few thousand elements, for the shortest time a
// kernel takes on the GPU (what a profiler's kernel duration shows for the microsecond kernels of a
// decode step): an empty kernel, one thread chasing 1, 2, 4 or 8 dependent pointers through DRAM,
// one thread storing one word, a float4 copy of 2^10 to 2^16 floats in blocks of 128 threads, one
// thread chasing 1 or 8 pointers through lines L2 holds, and a one-thread kernel taking a parameter
// block of 64 B to 4 KiB (PyTorch's TensorIterator kernels take their operands' offset calculators,
// hundreds of bytes to kilobytes, by value); and, through the second entry point run_l2_streams,
// float4 streams from L2 and from DRAM (below).
// Each variant launches 7 times back to back (the first warms the code up); the DRAM pointer chases
// read lines no earlier launch touched (a fresh 64 KiB region of a 1 GiB buffer each launch, beyond
// the 60 MiB L2), the L2 chases the same region every launch (L2 holds it after the first). Time them with a profiler: Nsight Compute (which flushes the caches before each
// kernel and adds its own overhead to each duration)
//   ncu --clock-control none --csv --page raw --metrics gpu__time_duration.sum ./tiny_kernels
// or Kineto, as PyTorch's traces time kernels (CUPTI activity records): build it as a shared library
// (nvcc ... -Xcompiler -fPIC -shared -o libtiny.so) and run tiny_kernels_kineto.py.
// Usage: tiny_kernels (prints the variants in launch order)
#include <cstdio>
#include <vector>

#include "common.cuh"

__global__ void empty_k() {}

// One thread follows `hops` dependent loads starting at p[start] and writes where it ended.
__global__ void chase_k(const unsigned* __restrict__ p, unsigned start, int hops, unsigned* out) {
  unsigned i = start;
  for (int h = 0; h < hops; ++h) i = p[i];
  *out = i;
}

__global__ void store_k(unsigned* out, unsigned v) { *out = v; }

// A parameter block of N bytes passed by value; one byte of each end read, so that it is used.
template <int N>
struct Params {
  unsigned char b[N];
};
template <int N>
__global__ void params_k(Params<N> p, unsigned* out) {
  if (p.b[0] == 0xAB && p.b[N - 1] == 0xCD) *out = N;
}

template <int N>
void launch_params(int launches, unsigned* out) {
  Params<N> p{};
  for (int l = 0; l < launches; ++l) params_k<N><<<1, 1>>>(p, out);
  std::printf("params_%d,%d\n", N, launches);
}

__global__ void copy4_k(const float4* __restrict__ in, float4* __restrict__ out, int n4) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n4) out[i] = in[i];
}

extern "C" int run_tiny_kernels() {
  constexpr size_t kWords = size_t{1} << 28;  // 1 GiB of 4-byte indices
  constexpr unsigned kRegionWords = 1u << 14;  // 64 KiB: a fresh region for each chase launch
  constexpr int kLaunches = 7;
  std::vector<unsigned> h(kWords);
  // Within each region, hop h sits 1024 words (4 KiB) after hop h-1: every hop a new DRAM line.
  for (size_t i = 0; i < kWords; ++i) h[i] = static_cast<unsigned>((i + 1024) % kWords);
  unsigned *p = nullptr, *out = nullptr;
  float4 *a = nullptr, *b = nullptr;
  CUDA_CHECK(cudaMalloc(&p, kWords * sizeof(unsigned)));
  CUDA_CHECK(cudaMalloc(&out, sizeof(unsigned)));
  CUDA_CHECK(cudaMalloc(&a, (size_t{1} << 16) * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&b, (size_t{1} << 16) * sizeof(float)));
  CUDA_CHECK(cudaMemcpy(p, h.data(), kWords * sizeof(unsigned), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemset(a, 0, (size_t{1} << 16) * sizeof(float)));
  CUDA_CHECK(cudaDeviceSynchronize());
  unsigned region = 0;
  std::printf("variant,launches\n");
  for (int l = 0; l < kLaunches; ++l) empty_k<<<1, 32>>>();
  std::printf("empty_1x32,%d\n", kLaunches);
  for (int hops : {1, 2, 4, 8}) {
    for (int l = 0; l < kLaunches; ++l) chase_k<<<1, 1>>>(p, (region++ * kRegionWords) % kWords, hops, out);
    std::printf("chase_%d,%d\n", hops, kLaunches);
  }
  for (int l = 0; l < kLaunches; ++l) store_k<<<1, 1>>>(out, static_cast<unsigned>(l));
  std::printf("store_1,%d\n", kLaunches);
  for (int n : {1 << 10, 1 << 13, 1 << 16}) {
    const int n4 = n / 4, blocks = (n4 + 127) / 128;
    for (int l = 0; l < kLaunches; ++l) copy4_k<<<blocks, 128>>>(a, b, n4);
    std::printf("copy4_%d,%d\n", n, kLaunches);
  }
  for (int hops : {1, 8}) {
    const unsigned warm_region = (region++ * kRegionWords) % kWords;
    for (int l = 0; l < kLaunches; ++l) chase_k<<<1, 1>>>(p, warm_region, hops, out);
    std::printf("chase_l2_%d,%d\n", hops, kLaunches);
  }
  launch_params<64>(kLaunches, out);
  launch_params<512>(kLaunches, out);
  launch_params<1024>(kLaunches, out);
  launch_params<2048>(kLaunches, out);
  launch_params<4096>(kLaunches, out);
  CUDA_LAUNCH_CHECK();
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaFree(p));
  CUDA_CHECK(cudaFree(out));
  CUDA_CHECK(cudaFree(a));
  CUDA_CHECK(cudaFree(b));
  return 0;
}

// Streams from L2 and from DRAM (the other entry point, run_l2_streams): a float4 copy, a float4 read
// (each block's sum written once) and a float4 fill of 2^18 to 2^27 floats (1 MiB to 512 MiB an
// array), 256 threads a block, a float4 a thread; 7 launches each on the same arrays, so that from the
// second launch on the arrays of up to about half the 60 MiB L2 stay in it.
__global__ void read4_k(const float4* __restrict__ in, float* __restrict__ out, int n4) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  float v = 0.f;
  if (i < n4) {
    const float4 x = in[i];
    v = x.x + x.y + x.z + x.w;
  }
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  __shared__ float warp_sums[8];
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = v;
  __syncthreads();
  if (threadIdx.x == 0) {
    float s = 0.f;
    for (int w = 0; w < 8; ++w) s += warp_sums[w];
    out[blockIdx.x] = s;
  }
}

__global__ void fill4_k(float4* __restrict__ out, int n4) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n4) out[i] = make_float4(1.f, 2.f, 3.f, 4.f);
}

extern "C" int run_l2_streams() {
  constexpr int kLaunches = 7, kThreads = 256;
  constexpr size_t kMaxFloats = size_t{1} << 27;
  float4 *a = nullptr, *b = nullptr;
  float* sums = nullptr;
  CUDA_CHECK(cudaMalloc(&a, kMaxFloats * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&b, kMaxFloats * sizeof(float)));
  CUDA_CHECK(cudaMalloc(&sums, (kMaxFloats / 4 / kThreads) * sizeof(float)));
  CUDA_CHECK(cudaMemset(a, 0, kMaxFloats * sizeof(float)));
  CUDA_CHECK(cudaDeviceSynchronize());
  std::printf("variant,launches\n");
  for (int shift : {18, 19, 20, 21, 22, 23, 24, 27}) {
    const int n4 = (1 << shift) / 4, blocks = (n4 + kThreads - 1) / kThreads;
    for (int l = 0; l < kLaunches; ++l) copy4_k<<<blocks, kThreads>>>(a, b, n4);
    std::printf("l2copy4_2^%d,%d\n", shift, kLaunches);
    for (int l = 0; l < kLaunches; ++l) read4_k<<<blocks, kThreads>>>(a, sums, n4);
    std::printf("l2read4_2^%d,%d\n", shift, kLaunches);
    for (int l = 0; l < kLaunches; ++l) fill4_k<<<blocks, kThreads>>>(b, n4);
    std::printf("l2fill4_2^%d,%d\n", shift, kLaunches);
  }
  CUDA_LAUNCH_CHECK();
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaFree(a));
  CUDA_CHECK(cudaFree(b));
  CUDA_CHECK(cudaFree(sums));
  return 0;
}

int main() { return run_tiny_kernels(); }
