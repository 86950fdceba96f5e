// Costs and cycle timing of BankedSram accesses, checked against counts derived by hand.
//
// Address mapping (SramGeometry.h): byte x is in word x / W (W = bank_width_bytes), word w in
// bank w % B (B = banks, of the half when double-buffered); an access touches each distinct word
// once and takes max over banks of ceil(words / P) cycles (P = ports_per_bank), at least 1.
//
// Timing rules of the simulations (see BankedSram.h):
//  R1  Cycle c is the c-th rising clock edge, from 0; every module acts once per cycle.
//  R2  Queues are registered: an item written in cycle c is readable from c + 1, and a slot
//      freed by a read in cycle c is writable from c + 1.
//  R3  The source writes its next access in any cycle its queue has a writable slot.
//  R4  The SRAM first writes due completions, then takes the head access into its issue
//      register when that is empty, and starts it when its half is free; each half starts at
//      most one access per cycle, and issue is in order.
//  R5  An access of cost C started in cycle a keeps its half busy in a .. a + C - 1 and has its
//      completion written in a + C, when its half is free again.
//  R6  The sink reads a readable completion in every cycle (K = 1).
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <systemc>
#include <vector>

#include "sim/reference/memory/BankedSram.h"
#include "sim/reference/memory/SramAccess.h"
#include "sim/reference/memory/SramGeometry.h"
#include "sim/reference/memory/StatsRegistry.h"
#include "sim/reference/memory/StreamSink.h"
#include "sim/reference/memory/StreamSource.h"
#include "sim/systemc/FreshSimContext.h"

namespace cascade::sim {
namespace {

using Cycles = std::vector<Cycle>;
using Counts = std::vector<std::uint64_t>;
constexpr AccessDirection kRead = AccessDirection::kRead;
constexpr AccessDirection kWrite = AccessDirection::kWrite;

// 1 KiB, 4 banks of 8 B words.
SramGeometry geometry(std::uint64_t ports = 1, bool double_buffered = false) {
  SramGeometry g;
  g.capacity_bytes = 1024;
  g.banks = 4;
  g.bank_width_bytes = 8;
  g.ports_per_bank = ports;
  g.double_buffered = double_buffered;
  return g;
}

// 128 contiguous bytes from 0: words 0..15, four in each of banks 0..3.
SramAccess conflict_free(std::uint64_t id, AccessDirection direction, std::uint64_t half = 0) {
  return SramAccess::range(id, direction, 0, 128, half);
}

// 16 addresses 32 B apart: words 0, 4, ..., 60, all in bank 0.
SramAccess all_in_bank_zero(std::uint64_t id) {
  std::vector<std::uint64_t> addresses;
  for (std::uint64_t i = 0; i < 16; ++i) {
    addresses.push_back(32 * i);
  }
  return SramAccess::gather(id, kRead, addresses);
}

TEST(SramAccessCost, MostLoadedBankSetsTheCycles) {
  // Conflict-free: 4 words per bank -> 4 cycles, as an even spread of 16 words over 4 banks.
  const SramAccessCost spread = access_cost(geometry(), conflict_free(0, kRead));
  EXPECT_EQ(spread.words_per_bank, (Counts{4, 4, 4, 4}));
  EXPECT_EQ(spread.words, 16u);
  EXPECT_EQ(spread.cycles, 4u);
  EXPECT_EQ(spread.conflict_cycles, 0u);
  // All in bank 0: 16 cycles, 16 - 4 = 12 of them from the conflict.
  const SramAccessCost piled = access_cost(geometry(), all_in_bank_zero(1));
  EXPECT_EQ(piled.words_per_bank, (Counts{16, 0, 0, 0}));
  EXPECT_EQ(piled.cycles, 16u);
  EXPECT_EQ(piled.conflict_cycles, 12u);
  // Addresses 0, 4, 8, 12 lie in words 0, 0, 1, 1: two words, one each in banks 0 and 1.
  const SramAccessCost shared =
      access_cost(geometry(), SramAccess::gather(2, kRead, {0, 4, 8, 12}));
  EXPECT_EQ(shared.words_per_bank, (Counts{1, 1, 0, 0}));
  EXPECT_EQ(shared.words, 2u);
  EXPECT_EQ(shared.cycles, 1u);
  // Unaligned bytes [12, 36) touch words 1, 2, 3, 4: banks 1, 2, 3 and 0 once each.
  const SramAccessCost unaligned = access_cost(geometry(), SramAccess::range(3, kRead, 12, 24));
  EXPECT_EQ(unaligned.words_per_bank, (Counts{1, 1, 1, 1}));
  EXPECT_EQ(unaligned.cycles, 1u);
  // Bytes [8, 48) are words 1..5: bank 1 gets words 1 and 5.
  EXPECT_EQ(access_cost(geometry(), SramAccess::range(4, kRead, 8, 40)).words_per_bank,
            (Counts{1, 2, 1, 1}));
  // No bytes: no words, still one cycle.
  const SramAccessCost empty = access_cost(geometry(), SramAccess::range(5, kRead, 0, 0));
  EXPECT_EQ(empty.words, 0u);
  EXPECT_EQ(empty.cycles, 1u);
}

TEST(SramAccessCost, PortsServeSeveralWordsOfABankPerCycle) {
  // Two ports: ceil(4 / 2) = 2 and ceil(16 / 2) = 8 cycles; the even spread is
  //   ceil(16 / (4 * 2)) = 2, so the pile-up costs 8 - 2 = 6 extra cycles.
  EXPECT_EQ(access_cost(geometry(2), conflict_free(0, kRead)).cycles, 2u);
  const SramAccessCost piled = access_cost(geometry(2), all_in_bank_zero(1));
  EXPECT_EQ(piled.cycles, 8u);
  EXPECT_EQ(piled.conflict_cycles, 6u);
  // Three ports, 16 words in one bank: ceil(16 / 3) = 6.
  EXPECT_EQ(access_cost(geometry(3), all_in_bank_zero(1)).cycles, 6u);
}

class SramBench : public sc_core::sc_module {
 public:
  SramBench(const sc_core::sc_module_name& name, const SramGeometry& geometry,
            std::vector<SramAccess> accesses, int queue_depth)
      : sc_core::sc_module(name),
        clock("clock", sc_core::sc_time(1, sc_core::SC_NS)),
        request_queue("request_queue", queue_depth),
        response_queue("response_queue", queue_depth),
        source("source", std::move(accesses)),
        sram("sram", geometry),
        sink("sink", 1) {
    source.clock(clock);
    source.output(request_queue);
    sram.clock(clock);
    sram.requests(request_queue);
    sram.responses(response_queue);
    sink.clock(clock);
    sink.input(response_queue);
  }

  void run_cycles(std::uint64_t cycles) {
    sc_core::sc_start(sc_core::sc_time(static_cast<double>(cycles), sc_core::SC_NS));
  }

  Cycles stamps(Cycle SramAccess::*stamp) const {
    Cycles cycles;
    for (const SramAccess& completion : sink.consumed()) {
      cycles.push_back(completion.*stamp);
    }
    return cycles;
  }
  Counts ids() const {
    Counts ids;
    for (const SramAccess& completion : sink.consumed()) {
      ids.push_back(completion.id);
    }
    return ids;
  }

  sc_core::sc_clock clock;
  sc_core::sc_fifo<SramAccess> request_queue;
  sc_core::sc_fifo<SramAccess> response_queue;
  StreamSource<SramAccess> source;
  BankedSram sram;
  StreamSink<SramAccess> sink;
};

TEST(BankedSram, ConflictsSerializeOnTheMostLoadedBank) {
  // One port. a0 = conflict-free read (4 cycles), a1 = all-in-bank-0 read (16 cycles), queues
  //   2 deep. Emitted 0 and 1.
  // a0: readable and started in 1 (R4); completion in 1 + 4 = 5 (R5), read in 6.
  // a1: in the issue register from 2, waits for the half; started in 5, the cycle a0 completes;
  //   completion in 5 + 16 = 21, read in 22.
  // Busy cycles 1..20 = 20; words read 16 + 16 = 32; conflict cycles 0 + 12.
  FreshSimContext kernel;
  SramBench bench("bench", geometry(), {conflict_free(0, kRead), all_in_bank_zero(1)}, 2);
  bench.run_cycles(40);
  EXPECT_EQ(bench.ids(), (Counts{0, 1}));
  EXPECT_EQ(bench.stamps(&SramAccess::accepted_cycle), (Cycles{1, 5}));
  EXPECT_EQ(bench.stamps(&SramAccess::completed_cycle), (Cycles{5, 21}));
  EXPECT_EQ(bench.sink.consumed_cycles(), (Cycles{6, 22}));
  EXPECT_EQ(bench.sram.busy_cycles(), 20u);
  EXPECT_EQ(bench.sram.read_words(), 32u);
  EXPECT_EQ(bench.sram.read_requests(), 2u);
  EXPECT_EQ(bench.sram.conflict_cycles(), 12u);
}

TEST(BankedSram, TwoPortsHalveTheBankCycles) {
  // Same accesses with two ports: costs 2 and 8. a0 started in 1, completes in 3; a1 started
  //   in 3, completes in 11. Busy 1..10 = 10; conflict cycles 0 + 6.
  FreshSimContext kernel;
  SramBench bench("bench", geometry(2), {conflict_free(0, kRead), all_in_bank_zero(1)}, 2);
  bench.run_cycles(40);
  EXPECT_EQ(bench.stamps(&SramAccess::accepted_cycle), (Cycles{1, 3}));
  EXPECT_EQ(bench.stamps(&SramAccess::completed_cycle), (Cycles{3, 11}));
  EXPECT_EQ(bench.sink.consumed_cycles(), (Cycles{4, 12}));
  EXPECT_EQ(bench.sram.busy_cycles(), 10u);
  EXPECT_EQ(bench.sram.conflict_cycles(), 6u);
}

TEST(BankedSram, DoubleBufferingOverlapsAFillWithADrain) {
  // Double-buffered: two halves of 512 B with 2 banks each. 128 contiguous bytes are words
  //   0..15, 8 per bank: every access below costs 8 cycles.
  // Accesses: 0 = fill half 0, 1 = drain half 1, 2 = fill half 1, 3 = drain half 0 (the swap);
  //   queues 4 deep, so they are emitted in 0, 1, 2, 3.
  // Cycle 1: a0 starts on half 0 (due 9). Cycle 2: a1 starts on half 1 (due 10): the fill and
  //   the drain overlap in cycles 2..8.
  // Cycle 3: a2 enters the issue register and waits for half 1; a3 waits behind it (in order),
  //   though half 0 is free from 9.
  // Cycle 9: a0 completes. Cycle 10: a1 completes, a2 starts on half 1 and a3 on half 0 (one
  //   per half), both due 18 and written in start order. Reads: 10, 11, 19, 20.
  // Busy cycles: 1..9 (some half busy) and 10..17: 17. Words: 32 written, 32 read; no conflict.
  FreshSimContext kernel;
  SramBench bench("bench", geometry(1, true),
                  {conflict_free(0, kWrite, 0), conflict_free(1, kRead, 1),
                   conflict_free(2, kWrite, 1), conflict_free(3, kRead, 0)},
                  4);
  bench.run_cycles(40);
  EXPECT_EQ(bench.ids(), (Counts{0, 1, 2, 3}));
  EXPECT_EQ(bench.stamps(&SramAccess::accepted_cycle), (Cycles{1, 2, 10, 10}));
  EXPECT_EQ(bench.stamps(&SramAccess::completed_cycle), (Cycles{9, 10, 18, 18}));
  EXPECT_EQ(bench.sink.consumed_cycles(), (Cycles{10, 11, 19, 20}));
  EXPECT_EQ(bench.sram.busy_cycles(), 17u);
  EXPECT_EQ(bench.sram.write_words(), 32u);
  EXPECT_EQ(bench.sram.read_words(), 32u);
  EXPECT_EQ(bench.sram.conflict_cycles(), 0u);

  StatsRegistry stats;
  bench.sram.record(stats, "fusemax.buffer");
  EXPECT_EQ(stats.dump(), (std::vector<StatsRegistry::Entry>{
                              {"fusemax.buffer.busy_cycles", 17},
                              {"fusemax.buffer.conflict_cycles", 0},
                              {"fusemax.buffer.read_requests", 2},
                              {"fusemax.buffer.read_words", 32},
                              {"fusemax.buffer.stall_cycles", 0},
                              {"fusemax.buffer.write_requests", 2},
                              {"fusemax.buffer.write_words", 32}}));
}

std::string cost_error(const SramGeometry& geometry, const SramAccess& access) {
  try {
    access_cost(geometry, access);
  } catch (const std::exception& error) {
    return error.what();
  }
  return "no error";
}

TEST(SramAccessCost, RejectsBytesBeyondCapacityAndMissingHalves) {
  // The last byte fits; one more does not.
  EXPECT_EQ(cost_error(geometry(), SramAccess::range(6, kRead, 1000, 24)), "no error");
  EXPECT_THROW(access_cost(geometry(), SramAccess::range(7, kRead, 1000, 64)), std::out_of_range);
  EXPECT_EQ(cost_error(geometry(), SramAccess::range(7, kRead, 1000, 64)),
            "BankedSram access 7 (read) touches bytes [1000, 1064) beyond capacity 1024 bytes");
  EXPECT_EQ(cost_error(geometry(), SramAccess::gather(8, kWrite, {0, 1024})),
            "BankedSram access 8 (write) touches byte 1024 beyond capacity 1024 bytes");
  EXPECT_EQ(cost_error(geometry(1, true), SramAccess::range(9, kRead, 500, 20, 1)),
            "BankedSram access 9 (read) touches bytes [500, 520) beyond the half capacity 512 "
            "bytes");
  EXPECT_EQ(cost_error(geometry(), SramAccess::range(3, kRead, 0, 8, 1)),
            "BankedSram access 3 (read) names half 1, but the buffer is not double-buffered and "
            "has only half 0");
  EXPECT_EQ(cost_error(geometry(1, true), SramAccess::range(3, kRead, 0, 8, 2)),
            "BankedSram access 3 (read) names half 2, but a double-buffered buffer has halves 0 "
            "and 1");
}

TEST(BankedSram, AccessBeyondCapacityStopsTheSimulationWithTheMessage) {
  FreshSimContext kernel;
  SramBench bench("bench", geometry(), {SramAccess::range(7, kRead, 1000, 64)}, 2);
  try {
    bench.run_cycles(10);
    FAIL() << "the simulation accepted an access beyond the capacity";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what())
                  .find("BankedSram access 7 (read) touches bytes [1000, 1064) beyond capacity "
                        "1024 bytes"),
              std::string::npos)
        << error.what();
  }
}

std::string geometry_error(const SramGeometry& geometry) {
  FreshSimContext kernel;
  try {
    BankedSram sram("sram", geometry);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(BankedSram, RejectsBadGeometryNamingTheField) {
  SramGeometry g = geometry();
  g.capacity_bytes = 0;
  EXPECT_EQ(geometry_error(g), "BankedSram capacity_bytes must be positive, got 0");
  g = geometry();
  g.banks = 0;
  EXPECT_EQ(geometry_error(g), "BankedSram banks must be positive, got 0");
  g = geometry();
  g.bank_width_bytes = 0;
  EXPECT_EQ(geometry_error(g), "BankedSram bank_width_bytes must be positive, got 0");
  g = geometry();
  g.ports_per_bank = 0;
  EXPECT_EQ(geometry_error(g), "BankedSram ports_per_bank must be positive, got 0");
  g = geometry(1, true);
  g.banks = 3;
  EXPECT_EQ(geometry_error(g), "BankedSram banks must be even when double_buffered, got 3");
  g = geometry(1, true);
  g.capacity_bytes = 1023;
  EXPECT_EQ(geometry_error(g),
            "BankedSram capacity_bytes must be even when double_buffered, got 1023");
  EXPECT_EQ(geometry_error(geometry(1, true)), "no error");
}

}  // namespace
}  // namespace cascade::sim
