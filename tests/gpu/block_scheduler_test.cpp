// The event-driven block scheduler against hand derivations: compute shared within an SM gives the
// wave staircase; DRAM bandwidth shared across the GPU gives no tail.
#include <gtest/gtest.h>

#include <limits>

#include "arch/gpu/BlockScheduler.h"

namespace cascade::arch::gpu {
namespace {

// Compute only: an SM's full rate shared by its resident blocks.
BlockRates shared_sm(const Residency& r) {
  return {1.0 / r.blocks_on_sm, std::numeric_limits<double>::infinity()};
}

TEST(BlockScheduler, ComputeBoundBlocksMakeAStaircase) {
  // 10 SMs x 4 blocks: a wave is 40 blocks. Each block needs 1 s of a whole SM; four share an SM,
  // so a full wave takes 4 s. 41 blocks: a second wave of one block, alone on its SM: 1 s more.
  // 45 blocks: five lone blocks on five SMs: still 1 s. 80 blocks: two full waves, 8 s.
  EXPECT_DOUBLE_EQ(schedule_blocks(40, 10, 4, 1.0, 0, shared_sm).makespan_s, 4.0);
  EXPECT_DOUBLE_EQ(schedule_blocks(41, 10, 4, 1.0, 0, shared_sm).makespan_s, 5.0);
  EXPECT_DOUBLE_EQ(schedule_blocks(45, 10, 4, 1.0, 0, shared_sm).makespan_s, 5.0);
  EXPECT_DOUBLE_EQ(schedule_blocks(80, 10, 4, 1.0, 0, shared_sm).makespan_s, 8.0);
  // 55 blocks: the second wave puts 2 blocks on 5 SMs and 1 on 5: the pairs take 2 s.
  EXPECT_DOUBLE_EQ(schedule_blocks(55, 10, 4, 1.0, 0, shared_sm).makespan_s, 6.0);
  // 1 block: alone, 1 s.
  EXPECT_DOUBLE_EQ(schedule_blocks(1, 10, 4, 1.0, 0, shared_sm).makespan_s, 1.0);
  EXPECT_EQ(schedule_blocks(81, 10, 4, 1.0, 0, shared_sm).waves, 3u);
}

TEST(BlockScheduler, BandwidthBoundBlocksHaveNoTail) {
  // Memory only: 100 B/s shared by all resident blocks. Whatever the residency, the GPU moves
  // 100 B/s, so 41 blocks of 10 B take 4.1 s.
  const auto dram = [](const Residency& r) {
    return BlockRates{std::numeric_limits<double>::infinity(), 100.0 / r.blocks_on_gpu};
  };
  EXPECT_NEAR(schedule_blocks(41, 10, 4, 0, 10.0, dram).makespan_s, 4.1, 1e-12);
  EXPECT_NEAR(schedule_blocks(400, 10, 4, 0, 10.0, dram).makespan_s, 40.0, 1e-9);
}

TEST(BlockScheduler, FewEventsForManyIdenticalBlocks) {
  // 10000 full waves take one event each.
  const auto r = schedule_blocks(400000, 10, 4, 1.0, 0, shared_sm);
  EXPECT_DOUBLE_EQ(r.makespan_s, 40000.0);
  EXPECT_EQ(r.events, 10000u);
}

TEST(BlockScheduler, PeriodicWavesAreSkippedExactly) {
  // The same 10000 waves: fast-forward steps through a few events and skips the rest as whole
  // periods, with the same makespan and event count as stepping through all of them.
  const auto r = schedule_blocks(400000, 10, 4, 1.0, 0, shared_sm);
  EXPECT_LT(r.simulated_events, 10u);
  // CUDA's largest grid (2^31 - 1) x 65535 x 65535 blocks, 16 a SM on 132 SMs, 1 s of an SM each:
  // 16 s per full wave of 2112 blocks; the last wave is partial (remainder 1983 blocks: 15 or 16
  // on each SM, all finishing at 16 s).
  const uint64_t blocks = uint64_t{2147483647} * 65535 * 65535;
  const auto max = schedule_blocks(blocks, 132, 16, 1.0, 0, shared_sm);
  EXPECT_LT(max.simulated_events, 20u);
  EXPECT_EQ(max.waves, (blocks + 2111) / 2112);
  EXPECT_DOUBLE_EQ(max.makespan_s, 16.0 * static_cast<double>(max.waves));
}

TEST(BlockScheduler, FastForwardIsLinearInTheWaves) {
  // A staircase that does not repeat wave by wave (refills of 15 blocks per SM leave cohorts of
  // different sizes, with memory sharing across the GPU and a block latency): its makespan grows by
  // the same period for every further group of waves, whether stepped through or skipped.
  const auto mixed = [](const Residency& r) {
    return BlockRates{1.0 / r.blocks_on_sm, 1000.0 / r.blocks_on_gpu};
  };
  const auto makespan = [&](uint64_t blocks) {
    return schedule_blocks(blocks, 7, 3, 1.0, 50.0, mixed, 0, true, 0.25).makespan_s;
  };
  const double a = makespan(1000 * 21 + 5), b = makespan(2000 * 21 + 5), c = makespan(4000 * 21 + 5);
  EXPECT_NEAR(c - b, 2 * (b - a), 1e-9 * c);
  // And a schedule too short to skip anything lies on the same line.
  const double short_one = makespan(20 * 21 + 5);
  EXPECT_NEAR(a - short_one, 980 * (b - a) / 1000, 1e-9 * a);
}

TEST(BlockScheduler, RejectsAKernelThatFitsNoBlock) {
  EXPECT_THROW(schedule_blocks(1, 10, 0, 1.0, 0, shared_sm), std::invalid_argument);
}

TEST(BlockScheduler, SerialPhasesAddUpInTheFirstWaveOnly) {
  // One block per SM on 10 SMs, each block 1 s of compute and 10 B of memory at 5 B/s per block
  // (2 s): overlapped, a block takes 2 s; in step, the first wave takes 1 + 2 = 3 s. Two waves: the
  // first 3 s, the second (started as the first finishes) overlaps its phases, 2 s: 5 s.
  const auto rates = [](const Residency&) { return BlockRates{1.0, 5.0}; };
  EXPECT_DOUBLE_EQ(schedule_blocks(10, 10, 1, 1.0, 10.0, rates).makespan_s, 2.0);
  EXPECT_DOUBLE_EQ(schedule_blocks(10, 10, 1, 1.0, 10.0, rates, 0, true).makespan_s, 3.0);
  EXPECT_DOUBLE_EQ(schedule_blocks(20, 10, 1, 1.0, 10.0, rates, 0, true).makespan_s, 5.0);
}

TEST(BlockScheduler, LatencyPerBlockHoldsItsSlot) {
  // 10 SMs x 4 blocks, each 1 s of a whole SM (4 s when four share it), plus 0.5 s of latency
  // before its work: a wave takes 4.5 s, two waves 9 s; a lone block of a second wave 1.5 s.
  EXPECT_DOUBLE_EQ(schedule_blocks(40, 10, 4, 1.0, 0, shared_sm, 0, false, 0.5).makespan_s, 4.5);
  EXPECT_DOUBLE_EQ(schedule_blocks(80, 10, 4, 1.0, 0, shared_sm, 0, false, 0.5).makespan_s, 9.0);
  EXPECT_DOUBLE_EQ(schedule_blocks(41, 10, 4, 1.0, 0, shared_sm, 0, false, 0.5).makespan_s, 6.0);
}

}  // namespace
}  // namespace cascade::arch::gpu
