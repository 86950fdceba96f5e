// The timing model's rates against hand derivations on the H100 config: FP32 latency hiding,
// shared-memory bandwidth and the launch overhead.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>

#include "GpuTestSupport.h"
#include "arch/gpu/GpuModel.h"
#include "workloads/ir/SourcePos.h"

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
  // One warp, ILP 8: one scheduler, issuing every cycle: 1/4, 4 ms. Plus the config's launch
  // overhead, 5.06 us (measured: an empty kernel timed alone).
  const GpuModel model(gpu_config("h100_sxm"));
  const double flops = 2 * 3.345e13 / 132 / 1000;
  EXPECT_NEAR(model.estimate(one_block(512, flops, 1)).timing.seconds, 1e-3 + 5.06e-6, 1e-9);
  EXPECT_NEAR(model.estimate(one_block(32, flops, 1)).timing.seconds, 16e-3 + 5.06e-6, 1e-9);
  EXPECT_NEAR(model.estimate(one_block(32, flops, 8)).timing.seconds, 4e-3 + 5.06e-6, 1e-9);
}

TEST(KernelTimer, SharedMemoryAtItsBandwidth) {
  // 128 B per clock at 1.98 GHz: 253.44 GB/s per SM; 253.44 MB through one block's SM take 1 ms.
  const GpuModel model(gpu_config("h100_sxm"));
  config::Kernel k = one_block(512, 0, 1);
  k.mutable_work()->set_smem_bytes(253.44e6);
  EXPECT_NEAR(model.estimate(k).timing.seconds, 1e-3 + 5.06e-6, 1e-9);
}

// The H100 config with `drop` applied: a GPU that lacks a rate some kernel needs.
GpuModel h100_without(const std::function<void(config::GpuArch&)>& drop) {
  config::GpuArch proto = gpu_config("h100_sxm").proto();
  drop(proto);
  std::string text;
  google::protobuf::TextFormat::PrintToString(proto, &text);
  return GpuModel(GpuArchConfig(text, "no_rate.pbtxt"));
}

std::string timing_error(const GpuModel& model, const config::Kernel& k) {
  try {
    model.estimate(k);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(KernelTimer, WorkWithoutARateIsAnError) {
  config::Kernel smem = one_block(128, 0, 1), sfu = one_block(128, 0, 1), tensor = one_block(128, 0, 1);
  smem.mutable_work()->set_smem_bytes(1e6);
  sfu.mutable_work()->set_sfu_ops(1e6);
  (*tensor.mutable_work()->mutable_tensor_flops())["int4"] = 1e6;
  const GpuModel no_smem = h100_without([](config::GpuArch& a) { a.mutable_timing()->clear_smem_bytes_per_clock_per_sm(); });
  const GpuModel no_sfu = h100_without([](config::GpuArch& a) { a.mutable_peak()->clear_sfu_ops_per_second(); });
  EXPECT_EQ(timing_error(no_smem, smem), "GPU has no shared-memory bandwidth");
  EXPECT_EQ(timing_error(no_sfu, sfu), "GPU has no special-function unit rate");
  EXPECT_EQ(timing_error(GpuModel(gpu_config("h100_sxm")), tensor),
            "GPU has no tensor-core rate for data type 'int4'");
}

TEST(GpuModel, GemmOfATypeWithoutTilesIsAnError) {
  const GpuModel model(gpu_config("h100_sxm"));
  try {
    model.gemm_kernel(128, 128, 128, 1, "int4");
    FAIL() << "no error";
  } catch (const workloads::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no gemm_tile for data type 'int4' (GEMMs of it cannot be mapped)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cascade::arch::gpu
