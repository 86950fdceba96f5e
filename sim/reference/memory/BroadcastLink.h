// A NoC / broadcast link that carries each tile from one sender to K consumers at once (a
// FuseMax buffer feeding a row of PEs, a multicast bus): tiles of `bytes` are serialized over a
// link `width_bytes` wide, cross `hop_latency` cycles of wire and registers, and are written into
// all K consumer queues in the same cycle.
//
// Timing, with cycle c the c-th rising edge of `clock`:
// - Serialization: the link takes a readable tile from `input` when it is not sending one and
//   sends width_bytes of it in that cycle and each following one; a tile of B bytes taken in
//   advancing cycle a sends its last flit in a + ceil(B / width_bytes) - 1 (a 0-byte tile in a),
//   and the next tile is taken in the cycle after (a flit never carries two tiles).
// - Delivery: a tile whose last flit left in advancing cycle f is written into every one of
//   `outputs` in advancing cycle f + hop_latency, all in that same cycle.
// - Back-pressure: a delivery needs a free slot in every consumer queue. In a cycle in which a
//   due delivery finds any of them full, the whole link stalls (nothing is sent or taken, the
//   latency pipeline holds), so the slowest consumer paces all of them.
// - Queues are sc_fifo: an item written in cycle c is readable from c + 1, and a slot freed in
//   cycle c is writable from c + 1.
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>
#include <systemc>

#include "sim/reference/memory/LinkTransfer.h"
#include "sim/reference/memory/StatsRegistry.h"

namespace cascade::sim {

class BroadcastLink : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(BroadcastLink);

  sc_core::sc_in<bool> clock;
  sc_core::sc_fifo_in<LinkTransfer> input;
  sc_core::sc_vector<sc_core::sc_fifo_out<LinkTransfer>> outputs;  // one per consumer

  // Throws std::invalid_argument when width_bytes, hop_latency or consumers is 0.
  BroadcastLink(const sc_core::sc_module_name& name, std::uint64_t width_bytes,
                std::uint64_t hop_latency, std::uint64_t consumers);

  std::uint64_t width_bytes() const { return width_bytes_; }
  std::uint64_t hop_latency() const { return hop_latency_; }
  std::uint64_t consumers() const { return outputs.size(); }

  std::uint64_t transfers_delivered() const { return transfers_delivered_; }
  // Bytes of delivered tiles, each counted once (what the link carried, not what K queues got).
  std::uint64_t bytes_delivered() const { return bytes_delivered_; }
  // Advancing cycles in which a flit was sent.
  std::uint64_t busy_cycles() const { return busy_cycles_; }
  // Cycles the link was frozen because some consumer queue was full.
  std::uint64_t stall_cycles() const { return stall_cycles_; }

  // Adds the counters above under "<prefix>.": transfers, bytes, busy_cycles, stall_cycles.
  void record(StatsRegistry& stats, std::string_view prefix) const;

 private:
  struct InFlight {
    LinkTransfer transfer;
    std::uint64_t ready_step;  // advancing cycle in which it is delivered
  };

  void run();
  // One rising edge: deliver the due tile, then send a flit.
  void on_clock_edge();
  bool all_outputs_free() const;
  void send_flit();

  std::uint64_t width_bytes_;
  std::uint64_t hop_latency_;

  Cycle cycle_ = 0;
  std::uint64_t step_ = 0;  // advancing cycles so far
  bool sending_ = false;
  LinkTransfer current_;
  std::uint64_t bytes_sent_ = 0;  // of current_
  std::deque<InFlight> in_flight_;

  std::uint64_t transfers_delivered_ = 0;
  std::uint64_t bytes_delivered_ = 0;
  std::uint64_t busy_cycles_ = 0;
  std::uint64_t stall_cycles_ = 0;
};

}  // namespace cascade::sim
