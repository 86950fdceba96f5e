// Cycle timing of source -> DramChannel -> sink runs, checked against counts derived by hand.
//
// Rules every derivation below uses (see DramChannel.h):
//  R1  Cycle c is the c-th rising clock edge, from 0; every module acts once per cycle.
//  R2  Queues are registered: an item written in cycle c is readable from c + 1, and a slot
//      freed by a read in cycle c is writable from c + 1.
//  R3  The source writes its next request in any cycle its queue has a writable slot.
//  R4  The channel first writes every due response (a full response queue makes the cycle a
//      stall: nothing else happens and the cycle does not advance), then runs its bus. An idle
//      bus takes a readable request and moves bytes_per_cycle of it in that same cycle; a busy
//      bus moves bytes_per_cycle of the current one. When the bytes moved cover a request, its
//      last byte moved this cycle, and the next readable request is taken in this cycle with
//      the leftover bytes. Over one busy period that starts in cycle s, request k's last byte
//      therefore moves in cycle s - 1 + ceil(S_k / bw), S_k the bytes of requests 0..k.
//  R5  A request whose last byte moved in advancing cycle f has its response written in
//      advancing cycle f + latency.
//  R6  The sink reads a readable response in cycle c if c >= (its previous read) + K.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <systemc>
#include <vector>

#include "sim/reference/memory/ByteRate.h"
#include "sim/reference/memory/DramChannel.h"
#include "sim/reference/memory/MemoryRequest.h"
#include "sim/reference/memory/StatsRegistry.h"
#include "sim/reference/memory/StreamSink.h"
#include "sim/reference/memory/StreamSource.h"
#include "sim/systemc/FreshSimContext.h"

namespace cascade::sim {
namespace {

using Cycles = std::vector<Cycle>;

// 400 GiB/s at 940 MHz: 429496729600 B/s / 940000000 Hz = 456.91... B/cycle.
ByteRate hbm_rate() { return ByteRate::from_bandwidth(400ull << 30, 940'000'000); }

struct DramRun {
  std::uint64_t request_depth = 2;
  std::uint64_t response_depth = 2;
  std::uint64_t sink_interval = 1;
};

class DramBench : public sc_core::sc_module {
 public:
  DramBench(const sc_core::sc_module_name& name, ByteRate rate, std::uint64_t latency,
            std::vector<MemoryRequest> requests, const DramRun& run)
      : sc_core::sc_module(name),
        clock("clock", sc_core::sc_time(1, sc_core::SC_NS)),
        request_queue("request_queue", static_cast<int>(run.request_depth)),
        response_queue("response_queue", static_cast<int>(run.response_depth)),
        source("source", std::move(requests)),
        dram("dram", rate, latency),
        sink("sink", run.sink_interval) {
    source.clock(clock);
    source.output(request_queue);
    dram.clock(clock);
    dram.requests(request_queue);
    dram.responses(response_queue);
    sink.clock(clock);
    sink.input(response_queue);
  }

  void run_cycles(std::uint64_t cycles) {
    sc_core::sc_start(sc_core::sc_time(static_cast<double>(cycles), sc_core::SC_NS));
  }

  // One stamp of every response, in response order.
  Cycles stamps(Cycle MemoryRequest::*stamp) const {
    Cycles cycles;
    for (const MemoryRequest& response : sink.consumed()) {
      cycles.push_back(response.*stamp);
    }
    return cycles;
  }

  sc_core::sc_clock clock;
  sc_core::sc_fifo<MemoryRequest> request_queue;
  sc_core::sc_fifo<MemoryRequest> response_queue;
  StreamSource<MemoryRequest> source;
  DramChannel dram;
  StreamSink<MemoryRequest> sink;
};

MemoryRequest request(std::uint64_t id, std::uint64_t bytes, AccessDirection direction) {
  MemoryRequest r;
  r.id = id;
  r.bytes = bytes;
  r.direction = direction;
  return r;
}

// n requests of `bytes` each, even ids reads and odd ids writes.
std::vector<MemoryRequest> requests(std::uint64_t n, std::uint64_t bytes) {
  std::vector<MemoryRequest> list;
  for (std::uint64_t id = 0; id < n; ++id) {
    list.push_back(
        request(id, bytes, id % 2 == 0 ? AccessDirection::kRead : AccessDirection::kWrite));
  }
  return list;
}

TEST(DramChannel, SingleRequestTakesLatencyPlusTransferCycles) {
  // bw = 429496729600 / 940000000 B/cycle; both share 6400 = 2^8 * 25, so the channel keeps
  //   67108864 / 146875 (2^26 / 146875).
  // One 4096 B read, latency L = 100: ceil(4096 * 146875 / 2^26) = ceil(146875 / 16384)
  //   = ceil(8.96...) = 9 bus cycles (16384 * 8 = 131072 < 146875 <= 147456 = 16384 * 9).
  // Emitted in cycle 0, readable and taken in 1 (R2, R4); last byte in 1 + 9 - 1 = 9;
  //   response written in 9 + 100 = 109 = L + 9 cycles after it was issued; read in 110.
  FreshSimContext kernel;
  DramBench bench("bench", hbm_rate(), 100, {request(7, 4096, AccessDirection::kRead)}, {});
  bench.run_cycles(200);
  EXPECT_EQ(bench.dram.bytes_per_cycle().bytes, 67108864u);
  EXPECT_EQ(bench.dram.bytes_per_cycle().per_cycles, 146875u);
  ASSERT_EQ(bench.sink.consumed().size(), 1u);
  EXPECT_EQ(bench.sink.consumed()[0].id, 7u);
  EXPECT_EQ(bench.source.emitted_cycles(), (Cycles{0}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::accepted_cycle), (Cycles{1}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::transferred_cycle), (Cycles{9}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::completed_cycle), (Cycles{109}));
  EXPECT_EQ(bench.sink.consumed_cycles(), (Cycles{110}));
  EXPECT_EQ(bench.dram.busy_cycles(), 9u);
  EXPECT_EQ(bench.dram.stall_cycles(), 0u);
}

// 8 requests of 256 B at 64 B/cycle, latency 10, queues 2 deep, sink K = 1.
class SaturatedDram : public testing::Test {
 protected:
  SaturatedDram() : bench("bench", ByteRate{64, 1}, 10, requests(8, 256), {}) {
    bench.run_cycles(100);
  }
  FreshSimContext kernel;
  DramBench bench;
};

TEST_F(SaturatedDram, BackToBackRequestsSaturateTheBus) {
  // Each request is 256 / 64 = 4 bus cycles with no leftover bytes.
  // Source: r0, r1, r2 in cycles 0, 1, 2 (in 2 the queue holds only r1). Then it refills a slot
  //   the cycle after the channel frees it, so the queue is never empty when the bus wants a
  //   request: r_k (k >= 3) goes out in 4(k - 2) + 1 and is readable long before cycle 4k.
  // Bus: busy from cycle 1 with no gap, so (R4) r_k's last byte moves in 1 - 1 + ceil(256(k + 1)
  //   / 64) = 4(k + 1): 4, 8, ..., 32; r0 is taken in 1 and r_k (k >= 1) in 4k, the cycle r_k-1
  //   ends. 8 * 256 = 2048 B in cycles 1..32: 64 B in every one of 32 busy cycles.
  // Responses (R5): 4(k + 1) + 10 = 14, 18, ..., 42; read the cycle after (K = 1, nothing
  //   blocks: each response is read before the next is written).
  EXPECT_EQ(bench.source.emitted_cycles(), (Cycles{0, 1, 2, 5, 9, 13, 17, 21}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::accepted_cycle), (Cycles{1, 4, 8, 12, 16, 20, 24, 28}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::transferred_cycle),
            (Cycles{4, 8, 12, 16, 20, 24, 28, 32}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::completed_cycle),
            (Cycles{14, 18, 22, 26, 30, 34, 38, 42}));
  EXPECT_EQ(bench.sink.consumed_cycles(), (Cycles{15, 19, 23, 27, 31, 35, 39, 43}));
  EXPECT_EQ(bench.dram.busy_cycles(), 32u);
  EXPECT_EQ(bench.dram.stall_cycles(), 0u);
}

TEST_F(SaturatedDram, RecordsCountersUnderItsPrefix) {
  // Even ids are reads: 4 reads and 4 writes of 256 B each; busy and stall as derived above.
  StatsRegistry stats;
  bench.dram.record(stats, "fusemax.dram");
  EXPECT_EQ(stats.dump(), (std::vector<StatsRegistry::Entry>{
                              {"fusemax.dram.busy_cycles", 32},
                              {"fusemax.dram.read_bytes", 1024},
                              {"fusemax.dram.read_requests", 4},
                              {"fusemax.dram.stall_cycles", 0},
                              {"fusemax.dram.write_bytes", 1024},
                              {"fusemax.dram.write_requests", 4}}));
}

TEST(DramChannel, LeftoverBytesOfACycleGoToTheNextRequest) {
  // 4 requests of 3 B at 5/2 = 2.5 B/cycle, latency 1, queues 2 deep. Credits: 5 a busy cycle,
  //   2 a byte, so a request costs 6.
  // Source: r0, r1, r2, r3 in 0, 1, 2, 3 (the channel takes one per cycle from cycle 1 on, so
  //   the queue always has a free slot).
  // Cycle 1: r0 taken, credit 5 < 6. Cycle 2: 10 -> r0 done, 4 left; r1 taken. Cycle 3: 9 -> r1
  //   done, 3 left; r2 taken. Cycle 4: 8 -> r2 done, 2 left; r3 taken. Cycle 5: 7 -> r3 done,
  //   1 left and nothing to spend it on (discarded).
  // Last bytes in 2, 3, 4, 5 (= ceil(2 * 3(k + 1) / 5): 12 B in 5 cycles at 2.5 B/cycle), where
  //   rounding each request up to ceil(3 / 2.5) = 2 cycles would give 2, 4, 6, 8.
  // Responses in 3, 4, 5, 6; busy cycles 1..5 = 5.
  FreshSimContext kernel;
  DramBench bench("bench", ByteRate{5, 2}, 1, requests(4, 3), {});
  bench.run_cycles(20);
  EXPECT_EQ(bench.source.emitted_cycles(), (Cycles{0, 1, 2, 3}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::accepted_cycle), (Cycles{1, 2, 3, 4}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::transferred_cycle), (Cycles{2, 3, 4, 5}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::completed_cycle), (Cycles{3, 4, 5, 6}));
  EXPECT_EQ(bench.dram.busy_cycles(), 5u);
}

TEST(DramChannel, FractionalBandwidthAccumulatesExactlyOverManyRequests) {
  // 1000 requests of 4096 B at 2^26 / 146875 B/cycle, latency 100, queues 2 deep, sink K = 1.
  // The source keeps the request queue non-empty (a request takes ~9 cycles, the source refills
  //   a slot in 2), so the bus is busy from cycle 1 without a gap and (R4) request k's last byte
  //   moves in cycle ceil((k + 1) * 4096 * 146875 / 2^26) = ceil((k + 1) * 146875 / 16384).
  // k = 0: ceil(8.96) = 9. k = 27: 28 * 146875 = 4112500 and 16384 * 251 = 4112384 is below it,
  //   so 252 (= 28 * 9, no saving yet). k = 28: 29 * 146875 = 4259375 <= 4259840 = 16384 * 260,
  //   so 260, not 29 * 9 = 261: the fractional bytes of 28 requests bought a whole cycle.
  // k = 999: 1000 * 146875 / 16384 = 146875000 / 16384 = 8964.5...: cycle 8965, where rounding
  //   each request up to 9 cycles would give 9000. Its response: 8965 + 100 = 9065.
  // Busy cycles: 1..8965 = 8965.
  FreshSimContext kernel;
  DramBench bench("bench", hbm_rate(), 100, requests(1000, 4096), {});
  bench.run_cycles(9200);
  ASSERT_EQ(bench.sink.consumed().size(), 1000u);
  const Cycles transferred = bench.stamps(&MemoryRequest::transferred_cycle);
  EXPECT_EQ(transferred[0], 9u);
  EXPECT_EQ(transferred[27], 252u);
  EXPECT_EQ(transferred[28], 260u);
  EXPECT_EQ(transferred[999], 8965u);
  EXPECT_EQ(bench.sink.consumed()[999].completed_cycle, 9065u);
  EXPECT_EQ(bench.dram.busy_cycles(), 8965u);
  EXPECT_EQ(bench.dram.stall_cycles(), 0u);
  EXPECT_EQ(bench.dram.read_bytes() + bench.dram.write_bytes(), 4096000u);
}

TEST(DramChannel, FullResponseQueueStallsTheChannel) {
  // 4 requests of 4 B at 4 B/cycle (1 bus cycle each), latency 2, request queue 2 deep.
  // Fast consumer first (response queue 4 deep, K = 1): emitted 0, 1, 2, 3 (each cycle the queue
  //   holds only the one written the cycle before); taken and last byte in 1, 2, 3, 4; responses
  //   in 3, 4, 5, 6.
  // Slow consumer (response queue 1 deep, K = 3); the sink reads in 4 and then every 3 cycles
  //   while responses wait, and a slot it frees in c is writable in c + 1:
  //   cycle 3 (step 3): r0 due (1 + 2), written. r2 taken, due step 5.
  //   cycle 4: r1 due (step 2 + 2), queue holds r0 (read in 4, free from 5): stall.
  //   cycle 5 (step 4): r1 written. r3 (emitted 3) taken, due step 4 + 2 = 6.
  //   cycles 6, 7: r2 due, queue holds r1 (read in 7): stalls. cycle 8 (step 5): r2 written.
  //   cycles 9, 10: r3 due, queue holds r2 (read in 10): stalls. cycle 11 (step 6): r3 written.
  //   Read in 4, 7, 10, 13; 5 stall cycles (= 11 - step 6).
  {
    FreshSimContext kernel;
    DramRun fast;
    fast.response_depth = 4;
    DramBench bench("bench", ByteRate{4, 1}, 2, requests(4, 4), fast);
    bench.run_cycles(30);
    EXPECT_EQ(bench.stamps(&MemoryRequest::accepted_cycle), (Cycles{1, 2, 3, 4}));
    EXPECT_EQ(bench.stamps(&MemoryRequest::completed_cycle), (Cycles{3, 4, 5, 6}));
    EXPECT_EQ(bench.dram.stall_cycles(), 0u);
  }
  FreshSimContext kernel;
  DramRun slow;
  slow.response_depth = 1;
  slow.sink_interval = 3;
  DramBench bench("bench", ByteRate{4, 1}, 2, requests(4, 4), slow);
  bench.run_cycles(30);
  EXPECT_EQ(bench.stamps(&MemoryRequest::accepted_cycle), (Cycles{1, 2, 3, 5}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::transferred_cycle), (Cycles{1, 2, 3, 5}));
  EXPECT_EQ(bench.stamps(&MemoryRequest::completed_cycle), (Cycles{3, 5, 8, 11}));
  EXPECT_EQ(bench.sink.consumed_cycles(), (Cycles{4, 7, 10, 13}));
  EXPECT_EQ(bench.dram.stall_cycles(), 5u);
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

TEST(DramChannel, RejectsBadParametersNamingThem) {
  EXPECT_EQ(construction_error([] { DramChannel dram("dram", ByteRate{0, 1}, 10); }),
            "DramChannel bytes_per_cycle must be positive, got 0");
  EXPECT_EQ(construction_error([] { DramChannel dram("dram", ByteRate{64, 0}, 10); }),
            "DramChannel bytes_per_cycle.per_cycles must be at least 1, got 0");
  EXPECT_EQ(construction_error([] { DramChannel dram("dram", ByteRate{64, 1}, 0); }),
            "DramChannel latency must be at least 1, got 0");
}

}  // namespace
}  // namespace cascade::sim
