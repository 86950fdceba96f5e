// One DRAM channel at transaction granularity: requests (bytes, direction, id) are served in FIFO
// order from a bounded request queue, their data crosses a bus of a fixed, possibly fractional,
// bandwidth, and after a fixed access latency each one's response goes into a bounded response
// queue. The queues are the sc_fifo channels bound to `requests` and `responses`; their depths
// are the queue bounds.
//
// Timing, with cycle c the c-th rising edge of `clock`:
// - Bus: in every cycle in which a request is transferring, the bus moves bytes_per_cycle bytes
//   (exactly, by an integer credit: see ByteRate.h). A request's last byte moves in the first
//   cycle in which the bytes moved since its transfer began cover it; bytes left over in that
//   cycle go to the next request if one is readable then (so back-to-back requests saturate the
//   bus, and requests smaller than a cycle's bytes may finish several per cycle), and are lost
//   otherwise (an idle bus banks no bandwidth).
// - A request is accepted (read from `requests`) when the bus has no request: an idle bus takes
//   a readable request and already moves its bytes in that cycle; a busy bus takes the next one
//   in the cycle its current request's last byte moves. A request of B bytes accepted by an idle
//   bus in cycle a therefore has its last byte moved in cycle a + ceil(B / bytes_per_cycle) - 1
//   for B >= 1; a request of 0 bytes moves nothing and finishes in the cycle it is accepted.
// - Latency: a request whose last byte moved in advancing cycle f has its response written in
//   advancing cycle f + latency. With the registered queues (below) a request written into an
//   empty queue of an idle channel in cycle 0 is thus answered in cycle latency + ceil(B / bw).
// - Back-pressure: in a cycle in which a due response cannot be written because `responses` is
//   full, the whole channel stalls like a clock-enable dropping: the bus moves nothing and
//   accepts nothing, and the latency pipeline holds. "Advancing cycles" are the cycles that are
//   not such stalls, so a stall delays everything in flight by one cycle.
// - Queues are sc_fifo: an item written in cycle c is readable from c + 1, and a slot freed in
//   cycle c is writable from c + 1.
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>
#include <systemc>

#include "sim/reference/memory/ByteRate.h"
#include "sim/reference/memory/MemoryRequest.h"
#include "sim/reference/memory/StatsRegistry.h"

namespace cascade::sim {

class DramChannel : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(DramChannel);

  sc_core::sc_in<bool> clock;
  sc_core::sc_fifo_in<MemoryRequest> requests;
  sc_core::sc_fifo_out<MemoryRequest> responses;

  // Throws std::invalid_argument when bytes_per_cycle is not positive or latency is 0.
  DramChannel(const sc_core::sc_module_name& name, ByteRate bytes_per_cycle,
              std::uint64_t latency);

  ByteRate bytes_per_cycle() const { return rate_; }  // reduced to lowest terms
  std::uint64_t latency() const { return latency_; }

  std::uint64_t read_requests() const { return read_requests_; }
  std::uint64_t write_requests() const { return write_requests_; }
  std::uint64_t read_bytes() const { return read_bytes_; }
  std::uint64_t write_bytes() const { return write_bytes_; }
  std::uint64_t responses_written() const { return responses_written_; }
  // Cycles in which the bus was moving a request's bytes.
  std::uint64_t busy_cycles() const { return busy_cycles_; }
  // Cycles the channel was frozen because `responses` was full.
  std::uint64_t stall_cycles() const { return stall_cycles_; }

  // Adds the counters above under "<prefix>.": read_requests, write_requests, read_bytes,
  // write_bytes, busy_cycles, stall_cycles (counting requests once their last byte moved).
  void record(StatsRegistry& stats, std::string_view prefix) const;

 private:
  struct InFlight {
    MemoryRequest request;
    std::uint64_t ready_step;  // advancing cycle in which the response is written
  };

  void run();
  // One rising edge: write due responses, then move bytes on the bus.
  void on_clock_edge();
  // False when a due response met a full response queue (the cycle is then a stall).
  bool write_due_responses();
  void move_bytes();
  bool accept_next();
  void finish_transfer();

  ByteRate rate_;
  std::uint64_t latency_;

  Cycle cycle_ = 0;
  std::uint64_t step_ = 0;  // advancing cycles so far
  bool transferring_ = false;
  MemoryRequest current_;
  // Credits earned and not yet spent: rate_.bytes per busy cycle, rate_.per_cycles per byte.
  // 128 bits, because a request's cost (bytes * per_cycles) may not fit in 64.
  unsigned __int128 credit_ = 0;
  std::deque<InFlight> in_flight_;

  std::uint64_t read_requests_ = 0;
  std::uint64_t write_requests_ = 0;
  std::uint64_t read_bytes_ = 0;
  std::uint64_t write_bytes_ = 0;
  std::uint64_t responses_written_ = 0;
  std::uint64_t busy_cycles_ = 0;
  std::uint64_t stall_cycles_ = 0;
};

}  // namespace cascade::sim
