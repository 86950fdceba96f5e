#include "sim/reference/memory/DramChannel.h"

#include <stdexcept>
#include <string>

namespace cascade::sim {
namespace {

ByteRate require_positive_rate(ByteRate rate) {
  if (rate.bytes == 0) {
    throw std::invalid_argument("DramChannel bytes_per_cycle must be positive, got 0");
  }
  if (rate.per_cycles == 0) {
    throw std::invalid_argument("DramChannel bytes_per_cycle.per_cycles must be at least 1, got 0");
  }
  return rate.reduced();
}

std::uint64_t require_latency(std::uint64_t latency) {
  if (latency == 0) {
    throw std::invalid_argument("DramChannel latency must be at least 1, got 0");
  }
  return latency;
}

}  // namespace

DramChannel::DramChannel(const sc_core::sc_module_name& name, ByteRate bytes_per_cycle,
                         std::uint64_t latency)
    : sc_core::sc_module(name),
      clock("clock"),
      requests("requests"),
      responses("responses"),
      rate_(require_positive_rate(bytes_per_cycle)),
      latency_(require_latency(latency)) {
  SC_CTHREAD(run, clock.pos());
}

void DramChannel::run() {
  for (;;) {
    on_clock_edge();
    wait();
    ++cycle_;
  }
}

void DramChannel::on_clock_edge() {
  if (!write_due_responses()) {
    ++stall_cycles_;
    return;
  }
  move_bytes();
  ++step_;
}

bool DramChannel::write_due_responses() {
  while (!in_flight_.empty() && in_flight_.front().ready_step <= step_) {
    if (responses.num_free() == 0) {
      return false;
    }
    MemoryRequest response = in_flight_.front().request;
    in_flight_.pop_front();
    response.completed_cycle = cycle_;
    responses.nb_write(response);
    ++responses_written_;
  }
  return true;
}

void DramChannel::move_bytes() {
  if (!transferring_ && !accept_next()) {
    return;
  }
  ++busy_cycles_;
  credit_ += rate_.bytes;
  // A 0-byte request still costs its acceptance cycle: it is checked only after that cycle's
  // credit was earned.
  while (transferring_ &&
         credit_ >= static_cast<unsigned __int128>(current_.bytes) * rate_.per_cycles) {
    credit_ -= static_cast<unsigned __int128>(current_.bytes) * rate_.per_cycles;
    finish_transfer();
    if (!accept_next()) {
      credit_ = 0;  // nothing to spend this cycle's remainder on: an idle bus banks nothing
    }
  }
}

bool DramChannel::accept_next() {
  if (requests.num_available() == 0) {
    transferring_ = false;
    return false;
  }
  requests.nb_read(current_);
  current_.accepted_cycle = cycle_;
  transferring_ = true;
  return true;
}

void DramChannel::finish_transfer() {
  current_.transferred_cycle = cycle_;
  if (current_.direction == AccessDirection::kRead) {
    ++read_requests_;
    read_bytes_ += current_.bytes;
  } else {
    ++write_requests_;
    write_bytes_ += current_.bytes;
  }
  in_flight_.push_back({current_, step_ + latency_});
  transferring_ = false;
}

void DramChannel::record(StatsRegistry& stats, std::string_view prefix) const {
  const std::string root(prefix);
  stats.add(root + ".read_requests", read_requests_);
  stats.add(root + ".write_requests", write_requests_);
  stats.add(root + ".read_bytes", read_bytes_);
  stats.add(root + ".write_bytes", write_bytes_);
  stats.add(root + ".busy_cycles", busy_cycles_);
  stats.add(root + ".stall_cycles", stall_cycles_);
}

}  // namespace cascade::sim
