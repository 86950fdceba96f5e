// The round pipeline engine: in-order units, dependences, and fast-forward that must not change a
// single cycle. Expected cycles are derived by hand in each test.
#include <gtest/gtest.h>

#include "sim/engine/RoundPipelineSim.h"

namespace cascade::sim {
namespace {

RoundTask task(const std::string& name, int unit, uint64_t cycles, std::vector<RoundTask::Dep> deps = {}) {
  return RoundTask{name, unit, cycles, std::move(deps)};
}

RoundProgram two_stage(uint64_t a_cycles, uint64_t b_cycles, uint64_t rounds) {
  RoundProgram p;
  p.units = {"a", "b"};
  p.blocks.push_back({{{{task("A", 0, a_cycles), task("B", 1, b_cycles, {{"A", 0}})}, rounds}}, 1});
  return p;
}

TEST(RoundPipeline, SlowerSecondStageSetsThePace) {
  // A ends round r at 3(r+1); B starts it at max(3(r+1), end of B's round r-1 = 5r+3) = 5r+3 and
  // ends at 5r+8: the last of N rounds ends at 5N+3.
  for (bool ff : {false, true}) {
    const auto s = simulate_round_pipeline(two_stage(3, 5, 1000), {ff});
    EXPECT_EQ(s.cycles, 5 * 1000 + 3u) << ff;
    EXPECT_DOUBLE_EQ(s.busy_cycles[0], 3 * 1000.0);
    EXPECT_DOUBLE_EQ(s.busy_cycles[1], 5 * 1000.0);
  }
}

TEST(RoundPipeline, OneRoundInFlightRunsSerialEvenAfterASkip) {
  // A 10-cycle load round, then 1000 rounds of A (3) then B (5) with one round in flight: each
  // round starts when the last has finished, 8 cycles a round: 10 + 8000. A unit that reaches a
  // skipped stretch early (A, done with its round before B) waits for the skipped rounds' end, not
  // only for their being skipped.
  RoundProgram p;
  p.units = {"a", "b"};
  p.rounds_in_flight = 1;
  p.blocks.push_back({{{{task("L", 0, 10)}, 1}}, 1});
  p.blocks.push_back({{{{task("A", 0, 3, {{"L", 1}}), task("B", 1, 5, {{"A", 0}})}, 1000}}, 1});
  for (bool ff : {false, true}) EXPECT_EQ(simulate_round_pipeline(p, {ff}).cycles, 10 + 8 * 1000u) << ff;
}

TEST(RoundPipeline, FastForwardSkipsMostRounds) {
  const auto full = simulate_round_pipeline(two_stage(3, 5, 100000), {false});
  const auto fast = simulate_round_pipeline(two_stage(3, 5, 100000), {true});
  EXPECT_EQ(full.rounds_simulated, 100000u);
  EXPECT_LT(fast.rounds_simulated, 20u);
  EXPECT_EQ(fast.cycles, full.cycles);
  EXPECT_EQ(fast.cycles, 5 * 100000 + 3u);
}

TEST(RoundPipeline, MemoryDoesNotGrowWithTheProgram) {
  // Without fast-forward every round is simulated, but only the last few rounds' completion times
  // are kept (dependences reach one round back here; two rounds are in flight): 100 times the
  // rounds keep the same number of completions, a few rounds' worth of the 2 tasks.
  const auto short_run = simulate_round_pipeline(two_stage(3, 5, 1000), {false});
  const auto long_run = simulate_round_pipeline(two_stage(3, 5, 100000), {false});
  EXPECT_EQ(long_run.rounds_simulated, 100000u);
  EXPECT_EQ(long_run.peak_completions_kept, short_run.peak_completions_kept);
  EXPECT_LE(long_run.peak_completions_kept, 2u * 16);
}

RoundProgram double_buffered(uint64_t load, uint64_t compute, uint64_t rounds) {
  // A load may fill a buffer only once the compute two rounds back has drained it.
  RoundProgram p;
  p.units = {"dram", "array"};
  p.blocks.push_back(
      {{{{task("load", 0, load, {{"compute", 2}}), task("compute", 1, compute, {{"load", 0}})}, rounds}},
       1});
  return p;
}

TEST(RoundPipeline, DoubleBufferingHidesTheShorterStage) {
  // Compute-bound (load 4 < compute 10): the first load, then N computes back to back: 4 + 10 N.
  // Memory-bound (load 10 > compute 4): N loads back to back, then the last compute: 10 N + 4.
  for (bool ff : {false, true}) {
    EXPECT_EQ(simulate_round_pipeline(double_buffered(4, 10, 5000), {ff}).cycles, 4 + 10 * 5000u);
    EXPECT_EQ(simulate_round_pipeline(double_buffered(10, 4, 5000), {ff}).cycles, 10 * 5000 + 4u);
  }
}

TEST(RoundPipeline, RepeatedBlocksFastForwardExactly) {
  // A block: 40 rounds of a two-stage pipeline (A 2, B 3), then an epilogue round (E 7 on unit a
  // after the last B). Within a block B paces: the last B ends 3*40 + 2 after the block starts;
  // E then takes 7, and the next block's first A waits for E (same unit, in order). So a block
  // lasts 2 + 3*40 + 7 = 129 cycles and 300 blocks 38700.
  RoundProgram p;
  p.units = {"a", "b"};
  RoundBlock block;
  block.runs.push_back({{task("A", 0, 2), task("B", 1, 3, {{"A", 0}})}, 40});
  block.runs.push_back({{task("E", 0, 7, {{"B", 1}})}, 1});
  block.repeat = 300;
  p.blocks.push_back(block);
  const auto full = simulate_round_pipeline(p, {false});
  const auto fast = simulate_round_pipeline(p, {true});
  EXPECT_EQ(full.cycles, 129 * 300u);
  EXPECT_EQ(fast.cycles, full.cycles);
  EXPECT_EQ(fast.busy_cycles, full.busy_cycles);
  EXPECT_LT(fast.rounds_simulated, full.rounds_simulated / 20);
}

TEST(RoundPipeline, RejectsMalformedPrograms) {
  RoundProgram p = two_stage(1, 1, 1);
  p.blocks[0].runs[0].tasks[1].unit = 5;
  try {
    simulate_round_pipeline(p);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "RoundProgram task 'B' names unit 5, which does not exist");
  }
  p = two_stage(1, 1, 1);
  p.blocks[0].runs[0].tasks[1].deps = {{"C", 0}};
  try {
    simulate_round_pipeline(p);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "RoundProgram task 'B' depends on 'C', which its round lacks");
  }
}

}  // namespace
}  // namespace cascade::sim
