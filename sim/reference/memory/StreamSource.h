// Writes a fixed list of items into a queue in order, at most one per cycle and only while the
// queue has room: the client end of a memory module in a testbench (a DMA engine issuing
// requests, an array issuing tile accesses). TileSource's generalization to any queued item.
#pragma once

#include <cstddef>
#include <systemc>
#include <utility>
#include <vector>

#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

template <typename Item>
class StreamSource : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(StreamSource);

  sc_core::sc_in<bool> clock;
  sc_core::sc_fifo_out<Item> output;

  StreamSource(const sc_core::sc_module_name& name, std::vector<Item> items)
      : sc_core::sc_module(name), clock("clock"), output("output"), items_(std::move(items)) {
    SC_CTHREAD(run, clock.pos());
  }

  const std::vector<Item>& items() const { return items_; }
  // The cycle each emitted item was written, in item order.
  const std::vector<Cycle>& emitted_cycles() const { return emitted_cycles_; }

 private:
  void run() {
    // The thread ends once every item is out, so an idle source costs the kernel nothing.
    for (Cycle cycle = 0; emitted_cycles_.size() < items_.size(); ++cycle) {
      if (output.num_free() > 0) {
        output.nb_write(items_[emitted_cycles_.size()]);
        emitted_cycles_.push_back(cycle);
      }
      this->wait();
    }
  }

  std::vector<Item> items_;
  std::vector<Cycle> emitted_cycles_;
};

}  // namespace cascade::sim
