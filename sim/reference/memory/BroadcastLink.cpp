#include "sim/reference/memory/BroadcastLink.h"

#include <stdexcept>
#include <string>

namespace cascade::sim {
namespace {

std::uint64_t require_positive(const char* parameter, std::uint64_t value) {
  if (value == 0) {
    throw std::invalid_argument(std::string("BroadcastLink ") + parameter +
                                " must be positive, got 0");
  }
  return value;
}

}  // namespace

BroadcastLink::BroadcastLink(const sc_core::sc_module_name& name, std::uint64_t width_bytes,
                             std::uint64_t hop_latency, std::uint64_t consumers)
    : sc_core::sc_module(name),
      clock("clock"),
      input("input"),
      outputs("outputs", require_positive("consumers", consumers)),
      width_bytes_(require_positive("width_bytes", width_bytes)),
      hop_latency_(require_positive("hop_latency", hop_latency)) {
  SC_CTHREAD(run, clock.pos());
}

void BroadcastLink::run() {
  for (;;) {
    on_clock_edge();
    wait();
    ++cycle_;
  }
}

void BroadcastLink::on_clock_edge() {
  // Serialization of at least one cycle per tile and a fixed hop latency make at most one
  // delivery due per advancing cycle.
  if (!in_flight_.empty() && in_flight_.front().ready_step <= step_) {
    if (!all_outputs_free()) {
      ++stall_cycles_;
      return;
    }
    LinkTransfer delivery = in_flight_.front().transfer;
    in_flight_.pop_front();
    delivery.delivered_cycle = cycle_;
    for (auto& output : outputs) {
      output->nb_write(delivery);
    }
    ++transfers_delivered_;
    bytes_delivered_ += delivery.bytes;
  }
  send_flit();
  ++step_;
}

bool BroadcastLink::all_outputs_free() const {
  for (const auto& output : outputs) {
    if (output->num_free() == 0) {
      return false;
    }
  }
  return true;
}

void BroadcastLink::send_flit() {
  if (!sending_) {
    if (input.num_available() == 0) {
      return;
    }
    input.nb_read(current_);
    current_.accepted_cycle = cycle_;
    bytes_sent_ = 0;
    sending_ = true;
  }
  ++busy_cycles_;
  bytes_sent_ += width_bytes_;
  if (bytes_sent_ >= current_.bytes) {
    in_flight_.push_back({current_, step_ + hop_latency_});
    sending_ = false;
  }
}

void BroadcastLink::record(StatsRegistry& stats, std::string_view prefix) const {
  const std::string root(prefix);
  stats.add(root + ".transfers", transfers_delivered_);
  stats.add(root + ".bytes", bytes_delivered_);
  stats.add(root + ".busy_cycles", busy_cycles_);
  stats.add(root + ".stall_cycles", stall_cycles_);
}

}  // namespace cascade::sim
