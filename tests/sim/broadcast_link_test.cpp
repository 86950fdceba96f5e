// Cycle timing of source -> BroadcastLink -> K sinks runs, checked against counts derived by hand.
//
// Rules every derivation below uses (see BroadcastLink.h):
//  R1  Cycle c is the c-th rising clock edge, from 0; every module acts once per cycle.
//  R2  Queues are registered: an item written in cycle c is readable from c + 1, and a slot
//      freed by a read in cycle c is writable from c + 1.
//  R3  The source writes its next tile in any cycle its queue has a writable slot.
//  R4  The link first delivers its due tile into all K consumer queues, which needs a free slot
//      in each; if any is full the cycle is a stall (nothing moves, the cycle does not advance).
//      Then it sends a flit: a link not sending takes a readable tile and sends its first flit
//      in that cycle. A tile of B bytes taken in advancing cycle a sends its last flit in
//      a + ceil(B / width) - 1; the next tile is taken in the advancing cycle after.
//  R5  A tile whose last flit left in advancing cycle f is delivered in advancing cycle f + H.
//  R6  A sink reads a readable tile in cycle c if c >= (its previous read) + K_i.
//
// All runs: 4 tiles of 64 B, width 16 B/cycle (4 flits each), hop latency H = 3, 3 consumers,
// input queue 2 deep, consumer queues 1 deep.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <systemc>
#include <vector>

#include "sim/reference/memory/BroadcastLink.h"
#include "sim/reference/memory/LinkTransfer.h"
#include "sim/reference/memory/StatsRegistry.h"
#include "sim/reference/memory/StreamSink.h"
#include "sim/reference/memory/StreamSource.h"
#include "sim/systemc/FreshSimContext.h"

namespace cascade::sim {
namespace {

using Cycles = std::vector<Cycle>;

std::vector<LinkTransfer> tiles() {
  std::vector<LinkTransfer> list(4);
  for (std::uint64_t id = 0; id < list.size(); ++id) {
    list[id].id = id;
    list[id].bytes = 64;
  }
  return list;
}

class LinkBench : public sc_core::sc_module {
 public:
  LinkBench(const sc_core::sc_module_name& name, const std::vector<std::uint64_t>& intervals)
      : sc_core::sc_module(name),
        clock("clock", sc_core::sc_time(1, sc_core::SC_NS)),
        input_queue("input_queue", 2),
        consumer_queues("consumer_queue", intervals.size(),
                        [](const char* queue_name, std::size_t) {
                          return new sc_core::sc_fifo<LinkTransfer>(queue_name, 1);
                        }),
        source("source", tiles()),
        link("link", 16, 3, intervals.size()) {
    source.clock(clock);
    source.output(input_queue);
    link.clock(clock);
    link.input(input_queue);
    for (std::size_t i = 0; i < intervals.size(); ++i) {
      link.outputs[i](consumer_queues[i]);
      sinks.push_back(std::make_unique<StreamSink<LinkTransfer>>(
          ("sink_" + std::to_string(i)).c_str(), intervals[i]));
      sinks.back()->clock(clock);
      sinks.back()->input(consumer_queues[i]);
    }
  }

  void run_cycles(std::uint64_t cycles) {
    sc_core::sc_start(sc_core::sc_time(static_cast<double>(cycles), sc_core::SC_NS));
  }

  Cycles stamps(std::size_t consumer, Cycle LinkTransfer::*stamp) const {
    Cycles cycles;
    for (const LinkTransfer& tile : sinks.at(consumer)->consumed()) {
      cycles.push_back(tile.*stamp);
    }
    return cycles;
  }

  sc_core::sc_clock clock;
  sc_core::sc_fifo<LinkTransfer> input_queue;
  sc_core::sc_vector<sc_core::sc_fifo<LinkTransfer>> consumer_queues;
  StreamSource<LinkTransfer> source;
  BroadcastLink link;
  std::vector<std::unique_ptr<StreamSink<LinkTransfer>>> sinks;
};

TEST(BroadcastLink, DeliversEachTileToAllConsumersInOneCycle) {
  // Fast consumers (K_i = 1 for all three).
  // Source: tiles 0, 1, 2 in cycles 0, 1, 2 (in 2 the queue holds only tile 1); the queue is
  //   then full until the link takes tile 1 in 5, so tile 3 goes out in 6.
  // Link: tile 0 taken in 1, flits 1..4; tile 1 taken in 5, flits 5..8; tile 2 in 9 (9..12);
  //   tile 3 in 13 (13..16). Delivered f + 3 = 7, 11, 15, 19, to all three queues at once.
  // Every sink reads each tile the cycle after: 8, 12, 16, 20; every queue is empty again long
  //   before the next delivery, so the link never stalls. Busy: 16 flit cycles.
  FreshSimContext kernel;
  LinkBench bench("bench", {1, 1, 1});
  bench.run_cycles(40);
  EXPECT_EQ(bench.source.emitted_cycles(), (Cycles{0, 1, 2, 6}));
  for (std::size_t consumer = 0; consumer < 3; ++consumer) {
    EXPECT_EQ(bench.stamps(consumer, &LinkTransfer::accepted_cycle), (Cycles{1, 5, 9, 13}));
    EXPECT_EQ(bench.stamps(consumer, &LinkTransfer::delivered_cycle), (Cycles{7, 11, 15, 19}));
    EXPECT_EQ(bench.sinks[consumer]->consumed_cycles(), (Cycles{8, 12, 16, 20}));
  }
  EXPECT_EQ(bench.link.stall_cycles(), 0u);
  EXPECT_EQ(bench.link.busy_cycles(), 16u);
}

TEST(BroadcastLink, SlowConsumerBackPressuresTheLinkForAll) {
  // Consumers 0 and 1 read every cycle, consumer 2 every 10 (K_2 = 10).
  // Up to cycle 12 as above: tile 0 delivered 7 (read by all in 8; consumer 2 next reads from
  //   18), tile 1 delivered 11 (its queue is empty again since 8), tile 2's flits 9..12 and
  //   tile 3 taken in 13 (step 13), flits at steps 13, 14, ...
  // Cycle 15 (step 15): tile 2 due, consumer 2's queue holds tile 1 until it reads it in 18
  //   (free from 19): stalls 15, 16, 17, 18. Cycle 19 (step 15): tile 2 delivered.
  // Tile 3 sent flits at steps 13, 14 (cycles 13, 14), 15, 16 (cycles 19, 20): due step
  //   16 + 3 = 19, which is cycle 23. Consumer 2 holds tile 2 until 28 (18 + 10): stalls 23..28,
  //   delivered in 29 (= step 19 + 10 stall cycles).
  // Reads: consumers 0, 1: 8, 12, 20, 30; consumer 2: 8, 18, 28, 38. Stall cycles: 4 + 6 = 10.
  FreshSimContext kernel;
  LinkBench bench("bench", {1, 1, 10});
  bench.run_cycles(60);
  for (std::size_t consumer = 0; consumer < 3; ++consumer) {
    EXPECT_EQ(bench.stamps(consumer, &LinkTransfer::delivered_cycle), (Cycles{7, 11, 19, 29}));
  }
  EXPECT_EQ(bench.sinks[0]->consumed_cycles(), (Cycles{8, 12, 20, 30}));
  EXPECT_EQ(bench.sinks[1]->consumed_cycles(), (Cycles{8, 12, 20, 30}));
  EXPECT_EQ(bench.sinks[2]->consumed_cycles(), (Cycles{8, 18, 28, 38}));
  EXPECT_EQ(bench.link.stall_cycles(), 10u);

  // 4 tiles of 64 B carried once each; 16 flit cycles.
  StatsRegistry stats;
  bench.link.record(stats, "fusemax.noc");
  EXPECT_EQ(stats.dump(), (std::vector<StatsRegistry::Entry>{{"fusemax.noc.busy_cycles", 16},
                                                             {"fusemax.noc.bytes", 256},
                                                             {"fusemax.noc.stall_cycles", 10},
                                                             {"fusemax.noc.transfers", 4}}));
}

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

TEST(BroadcastLink, RejectsZeroParametersNamingThem) {
  EXPECT_EQ(construction_error([] { BroadcastLink link("link", 0, 3, 2); }),
            "BroadcastLink width_bytes must be positive, got 0");
  EXPECT_EQ(construction_error([] { BroadcastLink link("link", 16, 0, 2); }),
            "BroadcastLink hop_latency must be positive, got 0");
  EXPECT_EQ(construction_error([] { BroadcastLink link("link", 16, 3, 0); }),
            "BroadcastLink consumers must be positive, got 0");
}

}  // namespace
}  // namespace cascade::sim
