// Cycle timing of source -> PipelinedUnit -> sink runs, checked against counts derived by hand.
//
// Rules every derivation below uses (see PipelinedUnit.h):
//  R1  Cycle c is the c-th rising clock edge, from 0; every module acts once per cycle.
//  R2  Queues are registered: a tile written in cycle c is readable from c + 1, and a slot freed
//      by a read in cycle c is writable from c + 1.
//  R3  The source writes its next tile in any cycle its queue has a writable slot.
//  R4  The unit first writes its due result (if any), then may accept one tile; a tile accepted
//      in advancing cycle a is due in advancing cycle a + L; the next acceptance comes II
//      advancing cycles later at the earliest. A cycle in which the due result meets a full
//      output queue is a stall: nothing moves, and it is not an advancing cycle.
//  R5  The sink takes a readable tile in cycle c if c >= (its previous take) + K.
//  total_cycles = (cycle the last tile is consumed) + 1.
#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/systemc/FreshSimContext.h"
#include "sim/reference/pipeline/PipelinedUnit.h"
#include "sim/reference/pipeline/SimulatePipeline.h"
#include "sim/reference/pipeline/TileSink.h"
#include "sim/reference/pipeline/TileSource.h"

namespace cascade::sim {
namespace {

using Cycles = std::vector<Cycle>;

// One stage's stamp of every tile, in tile order.
Cycles stamps(const PipelineRun& run, Cycle Tile::*stamp) {
  Cycles cycles;
  for (const Tile& tile : run.tiles) {
    cycles.push_back(tile.*stamp);
  }
  return cycles;
}

PipelineConfig config(std::uint64_t latency, std::uint64_t initiation_interval,
                      std::uint64_t input_queue_depth, std::uint64_t output_queue_depth,
                      std::uint64_t tile_count, std::uint64_t sink_interval) {
  PipelineConfig c;
  c.latency = latency;
  c.initiation_interval = initiation_interval;
  c.input_queue_depth = input_queue_depth;
  c.output_queue_depth = output_queue_depth;
  c.tile_count = tile_count;
  c.sink_interval = sink_interval;
  return c;
}

// N = 8 tiles, L = 5, II = 1, both queues 2 deep, sink K = 1.
PipelineConfig fast_sink_config() { return config(5, 1, 2, 2, 8, 1); }

TEST(PipelinedUnit, FastSinkStreamsOneTilePerCycle) {
  // Source: at the start of cycle i >= 1 the input queue holds only tile i-1 (the unit took
  //   tile i-2 in cycle i-1, R2), so a slot is free and tile i is emitted in cycle i (R3).
  // Unit: tile i is readable from i+1 (R2) and II = 1, so it is accepted in cycle i+1; with no
  //   stall (below) it completes in i+1+L = i+6.
  // Sink: the result is readable in i+7 and K = 1, so it is consumed in i+7.
  // The output queue never blocks: at the start of any cycle it holds at most the one result
  //   written in the cycle before (the sink takes each the cycle after), leaving a slot free.
  // Last tile i = 7 is consumed in 14, so total_cycles = 15, with 0 stall cycles.
  const PipelineRun run = simulate_pipeline(fast_sink_config());
  EXPECT_EQ(stamps(run, &Tile::emitted_cycle), (Cycles{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(stamps(run, &Tile::accepted_cycle), (Cycles{1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(stamps(run, &Tile::completed_cycle), (Cycles{6, 7, 8, 9, 10, 11, 12, 13}));
  EXPECT_EQ(run.completion_cycles(), (Cycles{7, 8, 9, 10, 11, 12, 13, 14}));
  EXPECT_EQ(run.total_cycles, 15u);
  EXPECT_EQ(run.unit_stall_cycles, 0u);
}

TEST(PipelinedUnit, InitiationIntervalThreeSpacesTilesThreeCyclesApart) {
  // N = 5, L = 4, II = 3, both queues 2 deep, sink K = 1.
  // Source: tiles 0, 1, 2 go out in cycles 0, 1, 2 (in cycle 2 the queue holds only tile 1: the
  //   unit took tile 0 in cycle 1). In cycle 3 it holds tiles 1 and 2: full. The unit takes
  //   tile 1 in cycle 4, so tile 3 goes out in 5 (R2); it takes tile 2 in 7, so tile 4 goes out
  //   in 8. emitted = 0, 1, 2, 5, 8.
  // Unit: accepts in cycle 1 (first readable tile), then every II = 3 cycles: tile i in 1 + 3i
  //   = 1, 4, 7, 10, 13; each tile is readable by then (emitted + 1 = 1, 2, 3, 6, 9).
  //   completed = accepted + L = 5, 8, 11, 14, 17 (the sink drains every result the next cycle,
  //   so the output queue never blocks).
  // Sink: consumed = completed + 1 = 6, 9, 12, 15, 18, spaced 3 apart; total_cycles = 19.
  const PipelineRun run = simulate_pipeline(config(4, 3, 2, 2, 5, 1));
  EXPECT_EQ(stamps(run, &Tile::emitted_cycle), (Cycles{0, 1, 2, 5, 8}));
  EXPECT_EQ(stamps(run, &Tile::accepted_cycle), (Cycles{1, 4, 7, 10, 13}));
  EXPECT_EQ(stamps(run, &Tile::completed_cycle), (Cycles{5, 8, 11, 14, 17}));
  EXPECT_EQ(run.completion_cycles(), (Cycles{6, 9, 12, 15, 18}));
  EXPECT_EQ(run.total_cycles, 19u);
  EXPECT_EQ(run.unit_stall_cycles, 0u);
}

// N = 6, L = 3, II = 1, input queue 2 deep, output queue 1 deep, sink K = 4.
PipelineConfig slow_sink_config() { return config(3, 1, 2, 1, 6, 4); }

TEST(PipelinedUnit, SlowSinkThrottlesUnitThroughBackPressure) {
  // Start, as in the fast case: tiles are emitted in cycles 0..5 and the unit accepts tiles
  //   0, 1, 2, 3 in cycles 1, 2, 3, 4 (advancing cycles 1..4; cycles 0..4 all advance).
  //   Tile 0 is due in step 1 + L = 4: completed in cycle 4, readable in 5, consumed in 5.
  // Cycle 5: tile 1 is due (step 2 + 3 = 5) but the one-slot output queue still holds tile 0
  //   (the sink's read in cycle 5 frees it only from cycle 6, R2): stall 1.
  // Cycle 6 (step 5): tile 1 is written; tile 4 is accepted (due step 8).
  // From here the sink paces everything: it takes a tile in cycle c, the slot is writable in
  //   c + 1, the unit writes the next result then (it is long due), and the sink takes it in
  //   c + 4 (K = 4). So consumed = 5, 9, 13, 17, 21, 25 and completed = 4, then c + 1 for the
  //   previous consumption c: 6, 10, 14, 18, 22. Steady-state spacing: 4, the sink's interval.
  // Acceptances freeze with the pipeline: after tile 4 (step 5) the II timer allows tile 5 from
  //   step 6, but cycles 7-9 are stalls (tile 2, due in step 6, meets a full queue), so step 6
  //   is cycle 10. accepted = 1, 2, 3, 4, 6, 10: the unit's intake is throttled as well.
  // Stalls: the last result (tile 5, accepted in step 6, due step 6 + 3 = 9) is written in
  //   cycle 22. A cycle's step is its number minus the stalls before it, so 22 - 9 = 13 stall
  //   cycles (5, 7-9, 11-13, 15-17, 19-21), and none after (the pipeline is then empty).
  // total_cycles = 25 + 1 = 26.
  const PipelineRun run = simulate_pipeline(slow_sink_config());
  EXPECT_EQ(stamps(run, &Tile::accepted_cycle), (Cycles{1, 2, 3, 4, 6, 10}));
  EXPECT_EQ(stamps(run, &Tile::completed_cycle), (Cycles{4, 6, 10, 14, 18, 22}));
  EXPECT_EQ(run.completion_cycles(), (Cycles{5, 9, 13, 17, 21, 25}));
  EXPECT_EQ(run.total_cycles, 26u);
  EXPECT_EQ(run.unit_stall_cycles, 13u);
}

TEST(PipelinedUnit, SingleSlotInputQueueHalvesThroughput) {
  // N = 4, L = 2, II = 1, input queue 1 deep, output queue 2 deep, sink K = 1.
  // Source: emits tile 0 in cycle 0. The unit reads it in cycle 1, and that slot is writable
  //   only from cycle 2 (R2), so tile 1 goes out in 2; likewise tile i in 2i.
  // Unit: accepted 2i + 1, completed 2i + 1 + L = 2i + 3. Sink: consumed 2i + 4.
  // consumed = 4, 6, 8, 10 (spacing 2, though every stage could take one per cycle);
  //   total_cycles = 11.
  const PipelineRun run = simulate_pipeline(config(2, 1, 1, 2, 4, 1));
  EXPECT_EQ(stamps(run, &Tile::emitted_cycle), (Cycles{0, 2, 4, 6}));
  EXPECT_EQ(stamps(run, &Tile::accepted_cycle), (Cycles{1, 3, 5, 7}));
  EXPECT_EQ(stamps(run, &Tile::completed_cycle), (Cycles{3, 5, 7, 9}));
  EXPECT_EQ(run.completion_cycles(), (Cycles{4, 6, 8, 10}));
  EXPECT_EQ(run.total_cycles, 11u);
  EXPECT_EQ(run.unit_stall_cycles, 0u);
}

TEST(PipelinedUnit, RunsRepeatInOneProcessWithIdenticalResults) {
  // Each run builds its modules in a fresh SystemC kernel; SystemC 2.3 itself would refuse a
  // second elaboration after sc_start. Interleaving two configs also shows no state leaks.
  const PipelineRun fast = simulate_pipeline(fast_sink_config());
  const PipelineRun slow = simulate_pipeline(slow_sink_config());
  for (int repeat = 0; repeat < 3; ++repeat) {
    const PipelineRun fast_again = simulate_pipeline(fast_sink_config());
    const PipelineRun slow_again = simulate_pipeline(slow_sink_config());
    EXPECT_EQ(fast_again.tiles, fast.tiles);
    EXPECT_EQ(fast_again.total_cycles, 15u);  // derived in FastSinkStreamsOneTilePerCycle
    EXPECT_EQ(slow_again.tiles, slow.tiles);
    EXPECT_EQ(slow_again.total_cycles, 26u);  // derived in SlowSinkThrottlesUnit...
    EXPECT_EQ(slow_again.unit_stall_cycles, 13u);
  }
}

struct BadField {
  const char* case_name;
  PipelineConfig config;
  std::string message;
};

// Names the case in test output (the default would dump the struct's bytes).
void PrintTo(const BadField& bad, std::ostream* os) { *os << bad.case_name; }

PipelineConfig with(void (*change)(PipelineConfig&)) {
  PipelineConfig c = fast_sink_config();
  change(c);
  return c;
}

class PipelineConfigRejects : public testing::TestWithParam<BadField> {};

TEST_P(PipelineConfigRejects, NamingTheField) {
  const BadField& bad = GetParam();
  try {
    validate(bad.config);
    FAIL() << "validate accepted " << bad.case_name;
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()), bad.message);
  }
  // simulate_pipeline validates before building anything.
  EXPECT_THROW(simulate_pipeline(bad.config), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(
    ZeroOrTooLarge, PipelineConfigRejects,
    testing::Values(BadField{"latency_zero", with([](PipelineConfig& c) { c.latency = 0; }),
                             "PipelineConfig.latency must be at least 1, got 0"},
                    BadField{"initiation_interval_zero",
                             with([](PipelineConfig& c) { c.initiation_interval = 0; }),
                             "PipelineConfig.initiation_interval must be at least 1, got 0"},
                    BadField{"input_queue_depth_zero",
                             with([](PipelineConfig& c) { c.input_queue_depth = 0; }),
                             "PipelineConfig.input_queue_depth must be at least 1, got 0"},
                    BadField{"output_queue_depth_zero",
                             with([](PipelineConfig& c) { c.output_queue_depth = 0; }),
                             "PipelineConfig.output_queue_depth must be at least 1, got 0"},
                    BadField{"tile_count_zero", with([](PipelineConfig& c) { c.tile_count = 0; }),
                             "PipelineConfig.tile_count must be at least 1, got 0"},
                    BadField{"sink_interval_zero",
                             with([](PipelineConfig& c) { c.sink_interval = 0; }),
                             "PipelineConfig.sink_interval must be at least 1, got 0"},
                    // sc_fifo sizes are int: 2^31 does not fit.
                    BadField{"output_queue_depth_too_large",
                             with([](PipelineConfig& c) { c.output_queue_depth = 2147483648u; }),
                             "PipelineConfig.output_queue_depth must be at most 2147483647, got "
                             "2147483648"}),
    [](const testing::TestParamInfo<BadField>& info) { return info.param.case_name; });

template <typename Build>
std::string construction_error(Build build) {
  FreshSimContext kernel;
  try {
    build();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(PipelinedUnit, ModulesRejectZeroParametersNamingThem) {
  EXPECT_EQ(construction_error([] { PipelinedUnit unit("unit", 0, 1); }),
            "PipelinedUnit latency must be at least 1, got 0");
  EXPECT_EQ(construction_error([] { PipelinedUnit unit("unit", 1, 0); }),
            "PipelinedUnit initiation_interval must be at least 1, got 0");
  EXPECT_EQ(construction_error([] { TileSource source("source", 0); }),
            "TileSource tile_count must be at least 1, got 0");
  EXPECT_EQ(construction_error([] { TileSink sink("sink", 0, 1); }),
            "TileSink interval must be at least 1, got 0");
  EXPECT_EQ(construction_error([] { TileSink sink("sink", 1, 0); }),
            "TileSink expected_tiles must be at least 1, got 0");
  // A failed elaboration leaves later runs unharmed.
  EXPECT_EQ(simulate_pipeline(fast_sink_config()).total_cycles, 15u);
}

}  // namespace
}  // namespace cascade::sim
