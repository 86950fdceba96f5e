#include "sim/reference/pipeline/PipelinedUnit.h"

#include <stdexcept>
#include <string>

namespace cascade::sim {
namespace {

std::uint64_t require_positive(const char* parameter, std::uint64_t value) {
  if (value == 0) {
    throw std::invalid_argument(std::string("PipelinedUnit ") + parameter +
                                " must be at least 1, got 0");
  }
  return value;
}

}  // namespace

PipelinedUnit::PipelinedUnit(const sc_core::sc_module_name& name, std::uint64_t latency,
                             std::uint64_t initiation_interval)
    : sc_core::sc_module(name),
      clock("clock"),
      input("input"),
      output("output"),
      latency_(require_positive("latency", latency)),
      initiation_interval_(require_positive("initiation_interval", initiation_interval)) {
  SC_CTHREAD(run, clock.pos());
}

void PipelinedUnit::run() {
  for (;;) {
    on_clock_edge();
    wait();
    ++cycle_;
  }
}

void PipelinedUnit::on_clock_edge() {
  // Initiation interval >= 1 gives every tile its own ready step, and a non-stalled cycle always
  // retires a due head, so at most one result is due per cycle.
  if (!in_flight_.empty() && in_flight_.front().ready_step <= step_) {
    if (output.num_free() == 0) {
      ++stall_cycles_;
      return;
    }
    Tile result = in_flight_.front().tile;
    in_flight_.pop_front();
    result.completed_cycle = cycle_;
    output.nb_write(result);
    ++tiles_completed_;
  }
  if (step_ >= next_accept_step_ && input.num_available() > 0) {
    Tile tile;
    input.nb_read(tile);
    tile.accepted_cycle = cycle_;
    in_flight_.push_back({tile, step_ + latency_});
    next_accept_step_ = step_ + initiation_interval_;
    ++tiles_accepted_;
  }
  ++step_;
}

}  // namespace cascade::sim
