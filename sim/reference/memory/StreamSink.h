// Reads items from a queue, at most one every `interval` cycles, and keeps each with the cycle it
// was read: the consumer end of a memory module in a testbench, whose interval models a slow
// consumer and so exercises back-pressure. TileSink's generalization to any queued item.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <systemc>
#include <vector>

#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

template <typename Item>
class StreamSink : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(StreamSink);

  sc_core::sc_in<bool> clock;
  sc_core::sc_fifo_in<Item> input;

  // After reading an item in cycle c the sink reads the next in cycle c + interval at the
  // earliest. Throws std::invalid_argument when interval is 0.
  StreamSink(const sc_core::sc_module_name& name, std::uint64_t interval)
      : sc_core::sc_module(name), clock("clock"), input("input"), interval_(interval) {
    if (interval == 0) {
      throw std::invalid_argument("StreamSink interval must be at least 1, got 0");
    }
    SC_CTHREAD(run, clock.pos());
  }

  // The items in the order read, and the cycle each was read.
  const std::vector<Item>& consumed() const { return consumed_; }
  const std::vector<Cycle>& consumed_cycles() const { return consumed_cycles_; }

 private:
  void run() {
    Cycle next_read_cycle = 0;
    for (Cycle cycle = 0;; ++cycle) {
      if (cycle >= next_read_cycle && input.num_available() > 0) {
        Item item;
        input.nb_read(item);
        consumed_.push_back(item);
        consumed_cycles_.push_back(cycle);
        next_read_cycle = cycle + interval_;
      }
      this->wait();
    }
  }

  std::uint64_t interval_;
  std::vector<Item> consumed_;
  std::vector<Cycle> consumed_cycles_;
};

}  // namespace cascade::sim
