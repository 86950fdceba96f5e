#include "sim/reference/pipeline/TileSink.h"

#include <stdexcept>
#include <string>

namespace cascade::sim {
namespace {

std::uint64_t require_positive(const char* parameter, std::uint64_t value) {
  if (value == 0) {
    throw std::invalid_argument(std::string("TileSink ") + parameter +
                                " must be at least 1, got 0");
  }
  return value;
}

}  // namespace

TileSink::TileSink(const sc_core::sc_module_name& name, std::uint64_t interval,
                   std::uint64_t expected_tiles)
    : sc_core::sc_module(name),
      clock("clock"),
      input("input"),
      interval_(require_positive("interval", interval)),
      expected_tiles_(require_positive("expected_tiles", expected_tiles)),
      all_consumed_event_("all_consumed_event") {
  SC_CTHREAD(run, clock.pos());
}

void TileSink::run() {
  Cycle next_accept_cycle = 0;
  for (Cycle cycle = 0; !all_consumed(); ++cycle) {
    if (cycle >= next_accept_cycle && input.num_available() > 0) {
      Tile tile;
      input.nb_read(tile);
      tile.consumed_cycle = cycle;
      consumed_.push_back(tile);
      next_accept_cycle = cycle + interval_;
      if (all_consumed()) {
        all_consumed_event_.notify(sc_core::SC_ZERO_TIME);
      }
    }
    wait();
  }
}

}  // namespace cascade::sim
