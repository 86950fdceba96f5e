// The timing model's rates against hand derivations on the H100 config: FP32 latency hiding,
// shared-memory bandwidth and the launch overhead.
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cmath>

#include <functional>
#include <stdexcept>

#include "GpuTestSupport.h"
#include "arch/gpu/GpuModel.h"
#include "base/InputError.h"

namespace cascade::arch::gpu {
namespace {

using testing_support::gpu_config;

// The config's GEMM tile of this type and shape, or nullptr.
const config::GemmTile* tile_of(const GpuModel& model, const std::string& dtype, uint32_t m, uint32_t n) {
  for (const auto& t : model.config().proto().gemm_tile())
    if (t.dtype() == dtype && t.tile_m() == m && t.tile_n() == n) return &t;
  return nullptr;
}

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

// The H100 config with `change` applied (a GPU that lacks a rate some kernel needs, or has a
// parameter set).
GpuModel h100_with(const std::function<void(config::GpuArch&)>& change) {
  config::GpuArch proto = gpu_config("h100_sxm").proto();
  change(proto);
  std::string text;
  google::protobuf::TextFormat::PrintToString(proto, &text);
  return GpuModel(GpuArchConfig(text, "no_rate.pbtxt"));
}

TEST(KernelTimer, LatencyHidingNeedsWarpsOnEveryScheduler) {
  // The config's 3.345e13 FP32 FMA/s over 132 SMs: one SM does 2 x 3.345e13 / 132 flops per second,
  // so that many flops over 1000 take 1 ms at full rate. Plus the config's launch overhead, 5.06 us
  // (measured: an empty kernel timed alone).
  // With the hard knee (issue_knee_exponent 0):
  // 16 warps x ILP 1 on 4 schedulers: 4 warps each cover the 4-cycle FMA latency: full rate, 1 ms.
  // One warp, ILP 1: one scheduler of four, issuing every 4th cycle: 1/16 of the rate, 16 ms.
  // One warp, ILP 8: one scheduler, issuing every cycle: 1/4, 4 ms.
  const GpuModel hard = h100_with([](config::GpuArch& a) { a.mutable_timing()->set_issue_knee_exponent(0); });
  const double flops = 2 * 3.345e13 / 132 / 1000;
  EXPECT_NEAR(hard.estimate(one_block(512, flops, 1)).timing.seconds, 1e-3 + 5.06e-6, 1e-9);
  EXPECT_NEAR(hard.estimate(one_block(32, flops, 1)).timing.seconds, 16e-3 + 5.06e-6, 1e-9);
  EXPECT_NEAR(hard.estimate(one_block(32, flops, 8)).timing.seconds, 4e-3 + 5.06e-6, 1e-9);
  // The config's knee (exponent 4): a scheduler issues x / (1 + x^4)^(1/4) of its peak for x chains
  // a latency. 16 warps x ILP 1: x = 1, 2^(-1/4) of the rate. One warp, ILP 1: x = 1/4,
  // (1/4) / (1 + 1/256)^(1/4) of a scheduler. One warp, ILP 8: x = 2, 2 / 17^(1/4) of a scheduler.
  const GpuModel knee(gpu_config("h100_sxm"));
  ASSERT_EQ(knee.config().proto().timing().issue_knee_exponent(), 4);
  EXPECT_NEAR(knee.estimate(one_block(512, flops, 1)).timing.seconds, 1e-3 * std::pow(2, 0.25) + 5.06e-6, 1e-9);
  EXPECT_NEAR(knee.estimate(one_block(32, flops, 1)).timing.seconds,
              4e-3 / (0.25 / std::pow(1 + 1.0 / 256, 0.25)) + 5.06e-6, 1e-9);
  EXPECT_NEAR(knee.estimate(one_block(32, flops, 8)).timing.seconds, 4e-3 / (2 / std::pow(17, 0.25)) + 5.06e-6,
              1e-9);
}

TEST(KernelTimer, SharedMemoryAtItsBandwidth) {
  // 128 B per clock at 1.98 GHz: 253.44 GB/s per SM; 253.44 MB through one block's SM take 1 ms
  // when its warps issue every cycle. Its 16 warps at ILP 1 issue at the knee's 2^(-1/4) of that
  // (LatencyHidingNeedsWarpsOnEveryScheduler): 1 ms x 2^(1/4).
  const GpuModel model(gpu_config("h100_sxm"));
  config::Kernel k = one_block(512, 0, 1);
  k.mutable_work()->set_smem_bytes(253.44e6);
  EXPECT_NEAR(model.estimate(k).timing.seconds, 1e-3 * std::pow(2, 0.25) + 5.06e-6, 1e-9);
}


// The model's refusal of a kernel, as the message of its InputError.
std::string timing_error(const GpuModel& model, const config::Kernel& k) {
  try {
    model.estimate(k);
  } catch (const base::InputError& e) {
    return e.message();
  }
  return "no error";
}

TEST(KernelTimer, BankConflictsTakeSharedMemoryTimeNotEnergy) {
  // A conflict's extra wavefronts keep the SRAM as long as their bytes would (253.44 MB in 1 ms on
  // one SM, as above) and move no data: the same time as 253.44 MB of traffic, the energy of the
  // 126.72 MB moved less the other half's pj_per_smem_byte (times 2^(1/4), the issue knee's, as above).
  const GpuModel model(gpu_config("h100_sxm"));
  config::Kernel moved = one_block(512, 0, 1), conflicted = one_block(512, 0, 1);
  moved.mutable_work()->set_smem_bytes(253.44e6);
  conflicted.mutable_work()->set_smem_bytes(126.72e6);
  conflicted.mutable_work()->set_smem_conflict_bytes(126.72e6);
  const auto a = model.estimate(moved), b = model.estimate(conflicted);
  EXPECT_NEAR(b.timing.seconds, 1e-3 * std::pow(2, 0.25) + 5.06e-6, 1e-9);
  EXPECT_NEAR(a.timing.energy_j - b.timing.energy_j, 126.72e6 * model.timing().pj_per_smem_byte * 1e-12, 1e-12);
  const GpuModel no_smem =
      h100_with([](config::GpuArch& c) { c.mutable_timing()->clear_smem_bytes_per_clock_per_sm(); });
  config::Kernel only_conflicts = one_block(128, 0, 1);
  only_conflicts.mutable_work()->set_smem_conflict_bytes(1e6);
  EXPECT_EQ(no_smem.problem(only_conflicts)->message, "work.smem_conflict_bytes: h100_sxm (cc 9.0) gives no "
                                                        "shared-memory bandwidth (timing.smem_bytes_per_clock_per_sm)");
}

TEST(KernelTimer, WorkWithoutARateIsAnError) {
  config::Kernel smem = one_block(128, 0, 1), sfu = one_block(128, 0, 1), tensor = one_block(128, 0, 1);
  smem.mutable_work()->set_smem_bytes(1e6);
  sfu.mutable_work()->set_sfu_ops(1e6);
  (*tensor.mutable_work()->mutable_tensor_flops())["int4"] = 1e6;
  const GpuModel no_smem = h100_with([](config::GpuArch& a) { a.mutable_timing()->clear_smem_bytes_per_clock_per_sm(); });
  const GpuModel no_sfu = h100_with([](config::GpuArch& a) { a.mutable_peak()->clear_sfu_ops_per_second(); });
  EXPECT_EQ(timing_error(no_smem, smem),
            "work.smem_bytes: h100_sxm (cc 9.0) gives no shared-memory bandwidth (timing.smem_bytes_per_clock_per_sm)");
  EXPECT_EQ(timing_error(no_sfu, sfu),
            "work.sfu_ops: h100_sxm (cc 9.0) gives no special-function rate (peak.sfu_ops_per_second)");
  EXPECT_EQ(timing_error(GpuModel(gpu_config("h100_sxm")), tensor),
            "work.tensor_flops: h100_sxm (cc 9.0) has no tensor-core rate for data type 'int4' "
            "(its peak.tensor_flops_per_second)");
}

TEST(KernelTimer, ZeroWorkOfAnUnknownTypeIsNoWork) {
  // Found by kernel_fuzz: tensor_flops { key: "fp15" value: 0 } passed the model's check (no work
  // of a type without a rate) but the timer still looked the type up and threw.
  config::Kernel k = one_block(128, 0, 1);
  (*k.mutable_work()->mutable_tensor_flops())["fp15"] = 0;
  const GpuModel h100(gpu_config("h100_sxm"));
  EXPECT_FALSE(h100.problem(k));
  EXPECT_EQ(timing_error(h100, k), "no error");
}

TEST(KernelTimer, EveryFloatingPointFieldOfAKernelIsChecked) {
  // GpuModel::problem lists the kernel's numbers field by field (no reflection on the hot path):
  // each floating-point field of Kernel and KernelWork, set to -1 or NaN, must be refused by name.
  const GpuModel h100(gpu_config("h100_sxm"));
  namespace pb = google::protobuf;
  for (const pb::Descriptor* type : {config::Kernel::descriptor(), config::KernelWork::descriptor()})
    for (int i = 0; i < type->field_count(); ++i) {
      const pb::FieldDescriptor* f = type->field(i);
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_DOUBLE) continue;
      for (const double value : {-1.0, std::nan("")}) {
        config::Kernel k = one_block(128, 0, 1);
        pb::Message& holder = type == config::Kernel::descriptor() ? static_cast<pb::Message&>(k) : *k.mutable_work();
        holder.GetReflection()->SetDouble(&holder, f, value);
        const auto problem = h100.problem(k);
        ASSERT_TRUE(problem) << f->full_name() << " = " << value << " accepted";
        const std::string field = (type == config::Kernel::descriptor() ? "" : "work.") + f->name();
        EXPECT_EQ(problem->message.rfind(field + ": ", 0), 0u) << problem->message;
      }
    }
  config::Kernel k = one_block(128, 0, 1);
  (*k.mutable_work()->mutable_tensor_flops())["bf16"] = -1;
  EXPECT_EQ(h100.problem(k)->message, "work.tensor_flops[\"bf16\"]: -1 is not a finite number of at least 0");
}

TEST(KernelTimer, RatesFarTooLowAreTheConfigsError) {
  // A positive but absurd DRAM bandwidth: the block scheduler's step is infinite. Not a number to
  // print, nor an internal error: bad input, the config's.
  config::Kernel k = one_block(128, 0, 1);
  k.mutable_work()->set_dram_bytes(1e9);
  const GpuModel slow = h100_with([](config::GpuArch& a) { a.mutable_memory()->set_dram_bandwidth_bytes_per_second(1e-300); });
  EXPECT_EQ(timing_error(slow, k),
            "kernel 'k' would take longer than any finite time at h100_sxm (cc 9.0)'s rates (a rate of the config "
            "is far too low)");
}

// One block of 256 threads (8 warps: the tensor cores saturate) doing `flops` fp16 tensor flops.
config::Kernel tensor_block(double flops) {
  config::Kernel k = one_block(256, 0, 1);
  (*k.mutable_work()->mutable_tensor_flops())["fp16"] = flops;
  return k;
}

TEST(KernelTimer, WarpMmaAndFamilyEfficiencies) {
  // The config's 989.4e12 fp16 tensor flop/s over 132 SMs: that many flops over 1000 take 1 ms on
  // one SM. Issued as mma.sync they reach warp_mma_efficiency (0.5 in the H100 config): 2 ms. A
  // family at efficiency 0.8 takes 1 / 0.8 as long again: 2.5 ms. Plus the launch overhead.
  const double flops = 989.4e12 / 132 / 1000, launch = 5.06e-6;
  const GpuModel h100 = h100_with([](config::GpuArch& a) {
    (*a.mutable_timing()->mutable_kernel_family_efficiency())["slow_family"] = 0.8;
  });
  config::Kernel k = tensor_block(flops);
  EXPECT_NEAR(h100.estimate(k).timing.seconds, 1e-3 + launch, 1e-9);
  k.mutable_work()->set_warp_mma(true);
  EXPECT_NEAR(h100.estimate(k).timing.seconds, 2e-3 + launch, 1e-9);
  k.mutable_work()->set_family("slow_family");
  EXPECT_NEAR(h100.estimate(k).timing.seconds, 2.5e-3 + launch, 1e-9);
  k.mutable_work()->set_family("family_without_an_efficiency");
  EXPECT_NEAR(h100.estimate(k).timing.seconds, 2e-3 + launch, 1e-9);
}

// Memory only: 132 x 8 blocks of 256 threads with float4 accesses and ILP 8 (enough in flight not
// to be latency bound), moving `dram` DRAM bytes and `l2` L2 bytes, in one wave.
config::Kernel memory_kernel(double dram, double l2, double requests = 0) {
  config::Kernel k;
  k.set_name("memory");
  k.mutable_grid()->set_x(132 * 8);
  k.mutable_block()->set_x(256);
  k.set_registers_per_thread(32);
  auto* w = k.mutable_work();
  w->set_dram_bytes(dram);
  w->set_l2_bytes(l2);
  w->set_l2_sector_requests(requests);
  w->set_ilp(8);
  w->set_bytes_per_access(16);
  return k;
}

TEST(KernelTimer, MemoryTimeIsTheLongerOfDramAndL2) {
  // H100 config: DRAM 3.35e12 B/s, L2 7e12 B/s; here a tag lookup costs L2 nothing beyond the data
  // it moves (l2_lone_sector_bytes 32). 3.35 GB from DRAM alone: 1 ms. With 3.65 GB more from L2,
  // all 7 GB pass through L2: 1 ms too (not 1 + 0.52 ms: the two work at once). With 7 GB more from
  // L2, 10.35 GB through L2: 1.479 ms.
  const GpuModel free_lookups = h100_with([](config::GpuArch& a) { a.mutable_timing()->set_l2_lone_sector_bytes(32); });
  EXPECT_NEAR(free_lookups.estimate(memory_kernel(3.35e9, 0)).timing.makespan_s, 1e-3, 1e-9);
  EXPECT_NEAR(free_lookups.estimate(memory_kernel(3.35e9, 3.65e9)).timing.makespan_s, 1e-3, 1e-9);
  EXPECT_NEAR(free_lookups.estimate(memory_kernel(3.35e9, 7e9)).timing.makespan_s, 10.35e9 / 7e12, 1e-9);
  // The config's lookups take 96 bytes of L2 time, 64 beyond a sector's data: a lone sector's
  // request, and the fill of each 128-byte line DRAM returns. 3.35 GB of DRAM (26.17 M fills, 1.675
  // GB) plus 1e8 requests (3.2 GB of data, 6.4 GB of lookups) through L2: 14.625 GB, 2.089 ms.
  const GpuModel h100(gpu_config("h100_sxm"));
  EXPECT_NEAR(h100.estimate(memory_kernel(3.35e9, 3.2e9, 1e8)).timing.makespan_s, 14.625e9 / 7e12, 1e-9);
}

TEST(KernelTimer, ReadsFromDramFillL2) {
  // H100 config: each 128-byte line read from DRAM fills L2, a lookup of 64 bytes of L2 time
  // beside its data. 3.35 GB from DRAM and 5 GB from L2: 8.35 GB + 3.35e9 / 128 x 64 B = 10.025 GB
  // through L2, 1.432 ms (1.193 ms without the fills). Written bytes fill nothing: the same kernel
  // writing 1 GB of its DRAM bytes fills 2.35e9 / 128 lines.
  const GpuModel h100(gpu_config("h100_sxm"));
  EXPECT_NEAR(h100.estimate(memory_kernel(3.35e9, 5e9)).timing.makespan_s, 10.025e9 / 7e12, 1e-9);
  config::Kernel writes = memory_kernel(3.35e9, 5e9);
  writes.mutable_work()->set_dram_write_bytes(1e9);
  EXPECT_NEAR(h100.estimate(writes).timing.makespan_s, (8.35e9 + 2.35e9 / 128 * 64) / 7e12, 1e-9);
}

TEST(KernelTimer, ALoneDramSectorKeepsDramAsLongAsTheConfigSays) {
  // 1e8 sectors read from DRAM at random, 64 bytes moved each (6.4 GB), each keeping DRAM the
  // H100 config's 122 bytes: 12.2 GB of DRAM time at 3.35e12 B/s, 3.642 ms (through L2 at 7e12 B/s,
  // 6.4 GB and a fill's lookup each, 1e8 x 64 B, is shorter); the energy counts the 6.4 GB moved.
  const GpuModel h100 = h100_with([](config::GpuArch& a) {
    a.mutable_timing()->set_busy_watts(0);
    a.mutable_power()->set_idle_watts(0);
    a.mutable_timing()->set_pj_per_dram_byte(10);
  });
  config::Kernel k = memory_kernel(6.4e9, 0);
  k.mutable_work()->set_dram_sector_reads(1e8);
  const auto t = h100.estimate(k).timing;
  EXPECT_NEAR(t.makespan_s, 12.2e9 / 3.35e12, 1e-9);
  EXPECT_NEAR(t.energy_j, 6.4e9 * 10e-12, 1e-9);
}

TEST(KernelTimer, ScatteredStoresDrainInLineWithTheSmsMemoryInstructions) {
  // H100 config, L2 7e12 B/s over 132 SMs. 1e8 scattered store operations, a lone request's 96
  // bytes of slice time each: 9.6 GB, 1.371 ms, each SM's share held in its load/store pipeline.
  // Beside 0.5 ms of shared-memory traffic (132 SMs x 128 B a clock x 1.98 GHz: 1.6727e10 bytes in
  // 0.5 ms) they add, 1.871 ms, where DRAM traffic of 1 ms (3.35e9 bytes at 3.35e12 B/s) overlaps
  // the shared-memory time. 1056 blocks of 256 threads: a wave of 8 blocks an SM.
  const GpuModel h100(gpu_config("h100_sxm"));
  config::Kernel k = memory_kernel(0, 0);
  k.mutable_grid()->set_x(1056);
  k.mutable_work()->set_scattered_store_operations(1e8);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 9.6e9 / 7e12, 1e-9);
  const double smem_half_ms = 132 * 128 * 1.98e9 * 0.5e-3;
  k.mutable_work()->set_smem_bytes(smem_half_ms);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 9.6e9 / 7e12 + 0.5e-3, 1e-9);
  config::Kernel overlapped = memory_kernel(3.35e9, 0);
  overlapped.mutable_grid()->set_x(1056);
  overlapped.mutable_work()->set_smem_bytes(smem_half_ms);
  EXPECT_NEAR(h100.estimate(overlapped).timing.makespan_s, 1e-3, 1e-9);
}

TEST(KernelTimer, PhasesRunInTurn) {
  // Two halves of the grid in turn, one reading 3.35 GB from DRAM (1 ms on the H100 config, its
  // fills free here), the other 7 GB from L2 (1 ms at 7e12 B/s): 2 ms, where the same work in one
  // phase overlaps to 10.35 GB through L2, 1.479 ms. The energy counts the kernel's work.
  const GpuModel h100 = h100_with([](config::GpuArch& a) { a.mutable_timing()->set_l2_lone_sector_bytes(32); });
  config::Kernel k = memory_kernel(3.35e9, 7e9);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 10.35e9 / 7e12, 1e-9);
  const double energy = h100.estimate(k).timing.energy_j;
  *k.add_phases() = memory_kernel(3.35e9, 0).work();
  *k.add_phases() = memory_kernel(0, 7e9).work();
  // Each phase runs on half the blocks, a wave of 4 an SM: the same rates.
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 2e-3, 1e-8);
  EXPECT_GT(h100.estimate(k).timing.energy_j, energy);  // the longer period at the same power
  // A phase's numbers are checked as the work's, and at most 64 phases.
  k.mutable_phases(1)->set_l2_bytes(-1);
  ASSERT_TRUE(h100.problem(k));
  EXPECT_EQ(h100.problem(k)->path.size(), 2u);
  EXPECT_NE(h100.problem(k)->message.find("phases[1].l2_bytes"), std::string::npos);
  k.mutable_phases(1)->set_l2_bytes(0);
  for (int i = 0; i < 63; ++i) *k.add_phases() = memory_kernel(0, 0).work();
  ASSERT_TRUE(h100.problem(k));
  EXPECT_EQ(h100.problem(k)->message, "phases: 65 parts, more than 64");
}

TEST(KernelTimer, TheBusiestBlockSetsTheTimeNotTheEnergy) {
  // The DRAM-bound kernel above (3.35 GB at 3.35e12 B/s: 1 ms) whose busiest block has 1.5 times
  // the mean block's work: 1.5 ms; the energy counts the same 3.35 GB.
  const GpuModel h100 = h100_with([](config::GpuArch& a) {
    a.mutable_timing()->set_busy_watts(0);
    a.mutable_power()->set_idle_watts(0);
    a.mutable_timing()->set_pj_per_dram_byte(10);
  });
  config::Kernel k = memory_kernel(3.35e9, 0);
  const auto even = h100.estimate(k).timing;
  k.mutable_work()->set_busiest_block_factor(1.5);
  const auto uneven = h100.estimate(k).timing;
  EXPECT_NEAR(even.makespan_s, 1e-3, 1e-9);
  EXPECT_NEAR(uneven.makespan_s, 1.5e-3, 1e-9);
  EXPECT_NEAR(uneven.energy_j, 3.35e9 * 10e-12, 1e-9);
  k.mutable_work()->set_busiest_block_factor(0.5);
  EXPECT_THROW(h100.estimate(k), base::InputError);
  ASSERT_TRUE(h100.problem(k));
  EXPECT_EQ(h100.problem(k)->message,
            "work.busiest_block_factor is the busiest block's work over the mean: at least 1 (or 0 for 1)");
}

TEST(KernelTimer, AKernelThatReadsDramWaitsOutOneRoundTrip) {
  // One block reading 32 bytes: its bandwidth time is nanoseconds, but its load's round trip on an
  // idle GPU (the config's 350 ns, measured on the H200) comes first; on the device no kernel is
  // shorter than an empty one (610 ns, measured), and this one waits its round trip beside that:
  // 960 ns. Writing alone, it has no round trip to wait out: the empty kernel's 610 ns.
  const GpuModel h100(gpu_config("h100_sxm"));
  config::Kernel k;
  k.set_name("tiny");
  k.mutable_grid()->set_x(1);
  k.mutable_block()->set_x(128);
  k.set_registers_per_thread(32);
  k.mutable_work()->set_dram_bytes(32);
  EXPECT_DOUBLE_EQ(h100.estimate(k).timing.makespan_s, 350e-9);
  EXPECT_DOUBLE_EQ(h100.estimate(k).timing.device_s, 960e-9);
  k.mutable_work()->set_dram_write_bytes(32);
  EXPECT_LT(h100.estimate(k).timing.makespan_s, 100e-9);
  EXPECT_DOUBLE_EQ(h100.estimate(k).timing.device_s, 610e-9);
}

TEST(KernelTimer, DependentAccessesWaitOutARoundTripEach) {
  // The same block reading 64 bytes, each thread's accesses 4 in a row, each after the one before
  // returned (PyTorch's plain element-wise kernel): the empty kernel's 610 ns and 4 idle round trips
  // of 350 ns, 2010 ns. After a different kernel (a pass), its code fetched afresh: the config's
  // 120 ns more, 2130 ns.
  const GpuModel h100(gpu_config("h100_sxm"));
  config::Kernel k;
  k.set_name("chain");
  k.mutable_grid()->set_x(1);
  k.mutable_block()->set_x(128);
  k.set_registers_per_thread(32);
  k.mutable_work()->set_dram_bytes(64);
  k.mutable_work()->set_dependent_accesses(4);
  EXPECT_NEAR(h100.estimate(k).timing.device_s, 2010e-9, 1e-15);
  EXPECT_NEAR(h100.estimate(k).timing.in_pass_s, 2130e-9, 1e-15);
  k.mutable_work()->set_dependent_accesses(2e6);
  ASSERT_TRUE(h100.problem(k));
  EXPECT_EQ(h100.problem(k)->message, "work.dependent_accesses: more than 10^6");
}

TEST(KernelTimer, InstructionsAfterTheLoadsFollowTheirRoundTrip) {
  // One block reading 64 bytes, then 200 instructions a thread on them. 128 threads are one warp
  // on each of the 4 schedulers: each issues its next instruction the FMA latency (4 cycles) after
  // its last, 800 cycles at 1.98 GHz, 404.04 ns after the empty kernel's 610 and the round trip's
  // 350. With 512 threads, 4 warps a scheduler: 4 cycles an instruction either way. With 1024, 8
  // warps a scheduler: 8 cycles, 808.08 ns.
  const GpuModel h100(gpu_config("h100_sxm"));
  config::Kernel k;
  k.set_name("tree");
  k.mutable_grid()->set_x(1);
  k.mutable_block()->set_x(128);
  k.set_registers_per_thread(32);
  k.mutable_work()->set_dram_bytes(64);
  k.mutable_work()->set_instructions_after_loads(200);
  EXPECT_NEAR(h100.estimate(k).timing.device_s, 960e-9 + 800 / 1.98e9, 1e-15);
  k.mutable_block()->set_x(512);
  EXPECT_NEAR(h100.estimate(k).timing.device_s, 960e-9 + 800 / 1.98e9, 1e-15);
  k.mutable_block()->set_x(1024);
  EXPECT_NEAR(h100.estimate(k).timing.device_s, 960e-9 + 1600 / 1.98e9, 1e-15);
  k.mutable_work()->set_instructions_after_loads(2e9);
  ASSERT_TRUE(h100.problem(k));
  EXPECT_EQ(h100.problem(k)->message, "work.instructions_after_loads: more than 10^9");
}

TEST(KernelTimer, LittlesLawBoundsTheReadsOnly) {
  // One warp per SM (132 blocks of 32 threads), ILP 1, 4-byte accesses: F = 132 x 128 B = 16896 B
  // in flight. The round trip grows from the idle 350 ns to the loaded 500 ns (the config's) with
  // the share of the 3.35e12 B/s the reads draw: the rate R solves R x (350 ns + 150 ns x R /
  // 3.35e12) = F, R = 47.98 GB/s (1.4% of the bandwidth, a round trip of 352 ns), and 33.792 MB of
  // reads take 0.7043 ms. If half of the bytes are writes, which need no round trip, the reads are
  // half: F = 33792 B for the same bytes, R = 95.38 GB/s, 0.3543 ms.
  const GpuModel h100(gpu_config("h100_sxm"));
  const auto rate = [](double in_flight) {
    const double idle = 350e-9, queueing = 150e-9 / 3.35e12;
    return (std::sqrt(idle * idle + 4 * queueing * in_flight) - idle) / (2 * queueing);
  };
  EXPECT_NEAR(rate(16896), 47.98e9, 0.01e9);
  config::Kernel k;
  k.set_name("latency_bound");
  k.mutable_grid()->set_x(132);
  k.mutable_block()->set_x(32);
  k.set_registers_per_thread(32);
  k.mutable_work()->set_dram_bytes(33.792e6);
  k.mutable_work()->set_ilp(1);
  k.mutable_work()->set_bytes_per_access(4);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 33.792e6 / rate(16896), 1e-9);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 0.7043e-3, 0.0001e-3);
  k.mutable_work()->set_dram_write_bytes(33.792e6 / 2);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 33.792e6 / rate(33792), 1e-9);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 0.3543e-3, 0.0001e-3);
}

TEST(KernelTimer, OneTripBlocksRunInLockstepWaves) {
  // 10 waves of 16 blocks an SM (132 x 16 x 10 blocks of 128 threads, 32 registers), each block
  // 65536 FP32 flops at ILP 8 (the issue saturated) and 1 KiB of DRAM reads: a wave's compute is
  // 16 x 65536 / (2 x 33.45e12 / 132) = 2.069 us an SM, its round trip 350 ns idle growing by 150 ns
  // x rate / 3.35e12 (the uncalibrated config's). In step, each wave waits its round trip, then
  // computes: T = 10 (350 ns + q D / T) + 10 x 2.069 us for D = 21.63 MB and q = 150 ns / 3.35e12,
  // T = 24.58 us, where overlapped the compute alone takes 20.69 us. Blocks whose compute is shorter
  // than their round trip (64 flops each) fall out of step: the flag changes nothing.
  const GpuModel h100(gpu_config("h100_sxm"));
  config::Kernel k;
  k.set_name("gelu_like");
  k.mutable_grid()->set_x(132 * 16 * 10);
  k.mutable_block()->set_x(128);
  k.set_registers_per_thread(32);
  auto* w = k.mutable_work();
  const double blocks = 132 * 16 * 10, dram = blocks * 1024;
  w->set_fp32_flops(blocks * 65536);
  w->set_ilp(8);
  w->set_dram_bytes(dram);
  const double wave = 16 * 65536 / (2 * 33.45e12 / 132), q = 150e-9 / 3.35e12;
  EXPECT_NEAR(wave, 2.069e-6, 0.001e-6);
  const double b = 10 * 350e-9 + 10 * wave, c = 10 * q * dram;
  const double in_step = (b + std::sqrt(b * b + 4 * c)) / 2;
  EXPECT_NEAR(in_step, 24.58e-6, 0.01e-6);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 10 * wave, 0.01e-6);
  w->set_lockstep_waves(true);
  // (16 warps a scheduler at ILP 8 are 32 chains a latency: the knee issues 1 - 2.4e-7 of the peak.)
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, in_step, 1e-11);
  w->set_fp32_flops(blocks * 64);
  const double out_of_step = h100.estimate(k).timing.makespan_s;
  w->set_lockstep_waves(false);
  EXPECT_DOUBLE_EQ(h100.estimate(k).timing.makespan_s, out_of_step);
}

TEST(KernelTimer, WorkDistributorStartsBlocksOneAfterAnother) {
  // 1e6 empty-handed blocks (1 flop each) with a block started every 2 ns: at least 2 ms.
  const GpuModel h100 = h100_with([](config::GpuArch& a) { a.mutable_timing()->set_block_launch_ns(2); });
  config::Kernel k = one_block(32, 1e6, 1);
  k.mutable_grid()->set_x(1000000);
  EXPECT_NEAR(h100.estimate(k).timing.makespan_s, 2e-3, 1e-12);
}

TEST(KernelTimer, EnergyPerLaunchBackToBack) {
  // Energy = (idle + busy) x period + the actions; the period is the makespan plus the gap between
  // kernels launched back to back (2 us in the H100 config), or the host's work per call plus its
  // issue time (2.55 us) where that is longer. A 1 ms FP32 block: period 1.002 ms; with 0 W busy
  // power and 1 pJ per FP32 flop: 130 W x 1.002 ms + flops x 1 pJ (with the hard issue knee, so that
  // 16 warps at ILP 1 issue every cycle).
  const GpuModel h100 = h100_with([](config::GpuArch& a) {
    a.mutable_timing()->set_issue_knee_exponent(0);
    a.mutable_timing()->set_busy_watts(0);
    a.mutable_timing()->set_pj_per_fp32_flop(1);
  });
  const double flops = 2 * 3.345e13 / 132 / 1000;
  const auto t = h100.estimate(one_block(512, flops, 1)).timing;
  EXPECT_NEAR(t.period_s, 1.002e-3, 1e-12);
  EXPECT_NEAR(t.energy_j, 130 * 1.002e-3 + flops * 1e-12, 1e-12);
  // A tiny kernel behind 50 us of a library's host work per call: one launch every 52.55 us.
  config::Kernel tiny = one_block(32, 1, 1);
  tiny.set_host_overhead_us(50);
  EXPECT_NEAR(h100.estimate(tiny).timing.period_s, 52.55e-6, 1e-12);
}

TEST(GpuModel, GemmSplitKFillsAWaveOfTheTilesBlocks) {
  // fp32 8192 x 64 x 8192 with cuBLAS's 64 x 64 SIMT tile (128 threads, 121 registers, 128 as
  // allocated: 16384 a block, 4 blocks an SM by registers; 12672 bytes of shared memory): 128 x 1
  // output tiles; one wave is 132 x 4 = 528 blocks, so K is split 528 / 128 = 4 ways (slices of
  // 2048 >= 256): 512 blocks.
  const GpuModel h100(gpu_config("h100_sxm"));
  const config::GemmTile* tile = tile_of(h100, "fp32", 64, 64);
  ASSERT_NE(tile, nullptr);
  const config::Kernel k = h100.gemm_kernel_with(*tile, 8192, 64, 8192, 1, "fp32");
  EXPECT_EQ(k.grid().x() * k.grid().y(), 128u);
  EXPECT_EQ(k.grid().z(), 4u);
  // Each thread accumulates 64 x 64 / 128 = 32 outputs: its independent chains.
  EXPECT_EQ(k.work().ilp(), 32u);
  // Its K slice of 2048: 32 x 2048 = 65536 FFMAs a thread at the loop's share (0.735 in the config)
  // and the tile's 739 other instructions: 65536 / (65536 / 0.735 + 739) of the peak.
  EXPECT_DOUBLE_EQ(tile->peak_fraction(), 0.735);
  EXPECT_DOUBLE_EQ(tile->tile_instructions_per_thread(), 739);
  EXPECT_DOUBLE_EQ(k.work().peak_fraction(), 65536 / (65536 / 0.735 + 739));
  // A K of 64 (one tile's prologue and epilogue for 32 x 64 FFMAs a thread): 2048 / (2048 / 0.735 +
  // 739), 0.581, as Nsight Compute counts 0.579 on the H200 for 8192 x 8192 x 64.
  const config::Kernel short_k = h100.gemm_kernel_with(*tile, 8192, 8192, 64, 1, "fp32");
  EXPECT_DOUBLE_EQ(short_k.work().peak_fraction(), 2048 / (2048 / 0.735 + 739));
}

TEST(GpuModel, SplitKCallLaunchesTheGemmThenItsReduction) {
  // fp32 8192 x 64 x 8192 with the 64 x 64 SIMT tile splits K 4 ways (above): the GEMM reads A and
  // B once and writes 4 FP32 partial results of C; the reduction reads those 4 x 8192 x 64 x 4
  // bytes, writes C (4 bytes an element), adds 4 values an output, one output a thread in blocks of
  // 512 threads: 8192 x 64 / 512 = 1024 blocks, each thread's 4 loads independent.
  const GpuModel h100(gpu_config("h100_sxm"));
  const config::GemmTile* tile = tile_of(h100, "fp32", 64, 64);
  ASSERT_NE(tile, nullptr);
  const config::Kernel gemm = h100.gemm_kernel_with(*tile, 8192, 64, 8192, 1, "fp32");
  const double a = 8192.0 * 8192, b = 8192.0 * 64, c = 8192.0 * 64;
  EXPECT_DOUBLE_EQ(gemm.work().dram_bytes(), (a + b) * 4 + 4 * c * 4);
  EXPECT_DOUBLE_EQ(gemm.work().dram_write_bytes(), 4 * c * 4);
  const config::Kernel reduce = split_k_reduction_kernel(gemm.name(), 8192, 64, 1, 4, "fp32");
  EXPECT_EQ(reduce.name(), "gemm_8192x64x8192_fp32_splitk_reduce");
  EXPECT_EQ(reduce.kind(), "reduction");
  EXPECT_EQ(reduce.grid().x(), 1024u);
  EXPECT_EQ(reduce.block().x(), 512u);
  EXPECT_DOUBLE_EQ(reduce.work().dram_bytes(), 4 * c * 4 + c * 4);
  EXPECT_DOUBLE_EQ(reduce.work().dram_write_bytes(), c * 4);
  EXPECT_DOUBLE_EQ(reduce.work().fp32_flops(), 4 * c);
  EXPECT_EQ(reduce.work().ilp(), 4u);
  // A bf16 C is written in 2 bytes an element.
  EXPECT_DOUBLE_EQ(split_k_reduction_kernel("g", 8192, 64, 1, 4, "bf16").work().dram_write_bytes(), c * 2);
  const auto refusal = [](uint64_t m, uint64_t n, uint64_t split) {
    try {
      split_k_reduction_kernel("g", m, n, 1, split, "fp32");
    } catch (const base::InputError& e) {
      return e.file() + ": " + e.message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(refusal(8192, 64, 1),
            "g_splitk_reduce: a split-K reduction needs M, N and the batch of at least 1 and 2 slices or more");
  // 2^21 x 2^21 outputs, one a thread in blocks of 512: 8.59e9 blocks.
  EXPECT_EQ(refusal(uint64_t{1} << 21, uint64_t{1} << 21, 2),
            "g_splitk_reduce: the split-K reduction needs 8.59e+09 blocks, beyond CUDA's 2^31 - 1");
  // Timed as one call: the GEMM's launch, then the GPU's gap (back_to_back_gap_us, 2 us) and the
  // reduction's device time after it; their periods and energies add up.
  const auto first = h100.estimate(gemm).timing, second = h100.estimate(reduce).timing;
  const auto call = h100.estimate_call({gemm, reduce}).timing;
  EXPECT_DOUBLE_EQ(call.seconds, first.seconds + 2e-6 + second.device_s);
  EXPECT_DOUBLE_EQ(call.device_s, first.device_s + 2e-6 + second.device_s);
  EXPECT_DOUBLE_EQ(call.period_s, first.period_s + second.period_s);
  EXPECT_DOUBLE_EQ(call.energy_j, first.energy_j + second.energy_j);
  EXPECT_THROW(h100.estimate_call({}), std::invalid_argument);
}

TEST(GpuModel, TensorCoreTilesSplitKIntoSlicesOfAtLeast1024) {
  // The bf16 128 x 256 tile (split_k_min_depth 1024: cuBLAS runs K = 1024 whole and splits K into
  // slices of 1365 and deeper, validation/traces/h200/ncu_kernels.csv): 1024 x 1024 is 8 x 4 = 32
  // output tiles, a quarter of a wave of one block an SM, yet K = 1024 stays whole; K = 4096 splits
  // min(132 / 32, 4096 / 1024) = 4 ways, and its call launches the reduction after the GEMM.
  const GpuModel h100(gpu_config("h100_sxm"));
  const config::GemmTile* tile = tile_of(h100, "bf16", 128, 256);
  ASSERT_NE(tile, nullptr);
  EXPECT_EQ(tile->split_k_min_depth(), 1024u);
  EXPECT_EQ(h100.gemm_kernel_with(*tile, 1024, 1024, 1024, 1, "bf16").grid().z(), 1u);
  EXPECT_EQ(h100.gemm_kernel_with(*tile, 1024, 1024, 4096, 1, "bf16").grid().z(), 4u);
  // The whole call of a decode GEMV (1 x 4096 x 4096), whatever tile is fastest: a split one is
  // followed by its reduction, a whole one launches alone.
  const auto call = h100.gemm_call(1, 4096, 4096, 1, "bf16");
  ASSERT_FALSE(call.empty());
  EXPECT_EQ(call.size(), call.front().grid().z() > 1 ? 2u : 1u);
}

TEST(GpuModel, TallGemmPutsItsRowTilesOnX) {
  // An MLP layer over 2^25 queries: fp32 33554432 x 64 x 64 with the 64 x 64 tile has 524288 row
  // tiles, more than grid.y's 65535: the library runs the transposed product, rows along x.
  const GpuModel h100(gpu_config("h100_sxm"));
  const config::GemmTile* tile = tile_of(h100, "fp32", 64, 64);
  ASSERT_NE(tile, nullptr);
  const config::Kernel k = h100.gemm_kernel_with(*tile, uint64_t{1} << 25, 64, 64, 1, "fp32");
  EXPECT_EQ(k.grid().x(), 524288u);
  EXPECT_EQ(k.grid().y(), 1u);
  // Past 65535 tiles both ways the grid cannot hold it.
  EXPECT_THROW(h100.gemm_kernel_with(*tile, uint64_t{1} << 25, 64 * 70000, 64, 1, "fp32"), base::InputError);
}

TEST(GpuModel, GemmOfATypeWithoutTilesIsAnError) {
  const GpuModel model(gpu_config("h100_sxm"));
  try {
    model.gemm_kernel(128, 128, 128, 1, "int4");
    FAIL() << "no error";
  } catch (const base::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no gemm_tile for data type 'int4' (GEMMs of it cannot be mapped)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cascade::arch::gpu
