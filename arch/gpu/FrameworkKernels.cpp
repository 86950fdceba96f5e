#include "arch/gpu/FrameworkKernels.h"

#include <algorithm>
#include <cmath>

#include "base/InputError.h"
#include "base/Format.h"

namespace cascade::arch::gpu {
namespace {

// cudaDeviceProp::maxGridSize[0] on every part since compute capability 3.0.
constexpr double kMaxGridX = 2147483647.0;

void check_grid(const std::string& name, double blocks) {
  if (!(blocks >= 1) || blocks > kMaxGridX)
    throw base::InputError("", {}, name + ": " + base::format("%.6g", blocks) + " blocks, beyond CUDA's grid");
}

}  // namespace

config::Kernel vectorized_elementwise_kernel(const std::string& name, double elements, double read_bytes,
                                             double write_bytes, double flops, uint32_t inputs) {
  constexpr double kPerThread = 8, kThreads = 128;
  const double blocks = std::ceil(elements / kPerThread / kThreads);
  check_grid(name, blocks);
  config::Kernel k;
  k.set_name(name);
  k.set_kind("elementwise");
  k.mutable_grid()->set_x(static_cast<uint32_t>(blocks));
  k.mutable_block()->set_x(static_cast<uint32_t>(kThreads));
  k.set_registers_per_thread(32);
  auto* w = k.mutable_work();
  w->set_dram_bytes(read_bytes + write_bytes);
  w->set_dram_write_bytes(write_bytes);
  w->set_fp32_flops(flops);
  w->set_bytes_per_access(16);
  w->set_ilp(std::clamp<uint32_t>(inputs, 1, 64));
  return k;
}

config::Kernel layer_norm_kernel(const std::string& name, double rows, double cols, double element_bytes) {
  check_grid(name, rows);
  constexpr double kInstructionsPerElement = 1867.0 * 32 / 768;
  const double n = rows * cols;
  config::Kernel k;
  k.set_name(name);
  k.set_kind("layer_norm");
  k.mutable_grid()->set_x(static_cast<uint32_t>(rows));
  k.mutable_block()->set_x(32);
  k.mutable_block()->set_y(4);
  k.set_registers_per_thread(32);
  auto* w = k.mutable_work();
  w->set_dram_bytes(2 * n * element_bytes + rows * 8);
  w->set_dram_write_bytes(n * element_bytes + rows * 8);
  w->set_l2_bytes(n * element_bytes + n * element_bytes * 2);
  w->set_fp32_flops(2 * kInstructionsPerElement * n);
  w->set_ilp(4);  // a warp's 4-element vectors and the block's other warps
  w->set_bytes_per_access(8);
  w->set_serial_phases(true);
  return k;
}

}  // namespace cascade::arch::gpu
