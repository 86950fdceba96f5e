// The timing model's rates against hand derivations on the H100 config: FP32 latency hiding,
// shared-memory bandwidth and the launch overhead.
#include <gtest/gtest.h>

#include "GpuTestSupport.h"
#include "arch/gpu/GpuModel.h"

namespace cascade::arch::gpu {
namespace {

using testing_support::gpu_config;

config::Kernel one_block(uint32_t threads, double fp32_flops, uint32_t ilp) {
  config::Kernel k;
  k.set_name("k");
  k.mutable_grid()->set_x(1);
  k.mutable_block()->set_x(threads);
  k.set_registers_per_thread(32);
  k.mutable_work()->set_fp32_flops(fp32_flops);
  k.mutable_work()->set_ilp(ilp);
  return k;
}

TEST(KernelTimer, LatencyHidingNeedsWarpsOnEveryScheduler) {
  // The config's 3.345e13 FP32 FMA/s over 132 SMs: one SM does 2 x 3.345e13 / 132 flops per second,
  // so that many flops over 1000 take 1 ms at full rate.
  // 16 warps x ILP 1 on 4 schedulers: 4 warps each cover the 4-cycle FMA latency: full rate.
  // One warp, ILP 1: one scheduler of four, issuing every 4th cycle: 1/16 of the rate, 16 ms.
  // One warp, ILP 8: one scheduler, issuing every cycle: 1/4, 4 ms. Plus 5 us of launch.
  const GpuModel model(gpu_config("h100_sxm"));
  const double flops = 2 * 3.345e13 / 132 / 1000;
  EXPECT_NEAR(model.estimate(one_block(512, flops, 1)).timing.seconds, 1e-3 + 5e-6, 1e-9);
  EXPECT_NEAR(model.estimate(one_block(32, flops, 1)).timing.seconds, 16e-3 + 5e-6, 1e-9);
  EXPECT_NEAR(model.estimate(one_block(32, flops, 8)).timing.seconds, 4e-3 + 5e-6, 1e-9);
}

TEST(KernelTimer, SharedMemoryAtItsBandwidth) {
  // 128 B per clock at 1.98 GHz: 253.44 GB/s per SM; 253.44 MB through one block's SM take 1 ms.
  const GpuModel model(gpu_config("h100_sxm"));
  config::Kernel k = one_block(512, 0, 1);
  k.mutable_work()->set_smem_bytes(253.44e6);
  EXPECT_NEAR(model.estimate(k).timing.seconds, 1e-3 + 5e-6, 1e-9);
}

}  // namespace
}  // namespace cascade::arch::gpu
