#include "sim/reference/memory/BankedSram.h"

#include <string>
#include <utility>

namespace cascade::sim {
namespace {

const SramGeometry& validated(const SramGeometry& geometry) {
  validate(geometry);
  return geometry;
}

}  // namespace

BankedSram::BankedSram(const sc_core::sc_module_name& name, const SramGeometry& geometry)
    : sc_core::sc_module(name),
      clock("clock"),
      requests("requests"),
      responses("responses"),
      geometry_(validated(geometry)) {
  SC_CTHREAD(run, clock.pos());
}

void BankedSram::run() {
  for (;;) {
    on_clock_edge();
    wait();
    ++cycle_;
  }
}

void BankedSram::on_clock_edge() {
  if (!write_due_completions()) {
    ++stall_cycles_;
    return;
  }
  start_accesses();
  for (std::uint64_t half = 0; half < geometry_.halves(); ++half) {
    if (half_free_step_[half] > step_) {
      ++busy_cycles_;
      break;
    }
  }
  ++step_;
}

bool BankedSram::write_due_completions() {
  while (!in_flight_.empty() && in_flight_.begin()->first <= step_) {
    if (responses.num_free() == 0) {
      return false;
    }
    SramAccess completion = std::move(in_flight_.begin()->second);
    in_flight_.erase(in_flight_.begin());
    completion.completed_cycle = cycle_;
    responses.nb_write(completion);
  }
  return true;
}

void BankedSram::start_accesses() {
  for (;;) {
    if (!issue_register_) {
      if (requests.num_available() == 0) {
        return;
      }
      SramAccess access;
      requests.nb_read(access);
      // Costed once, on arrival: a bad access (beyond the capacity, missing half) throws here.
      SramAccessCost cost = access_cost(geometry_, access);
      issue_register_ = Pending{std::move(access), std::move(cost)};
    }
    if (half_free_step_[issue_register_->access.half] > step_) {
      return;
    }
    Pending pending = std::move(*issue_register_);
    issue_register_.reset();
    pending.access.accepted_cycle = cycle_;
    half_free_step_[pending.access.half] = step_ + pending.cost.cycles;
    conflict_cycles_ += pending.cost.conflict_cycles;
    if (pending.access.direction == AccessDirection::kRead) {
      ++read_requests_;
      read_words_ += pending.cost.words;
    } else {
      ++write_requests_;
      write_words_ += pending.cost.words;
    }
    in_flight_.emplace(step_ + pending.cost.cycles, std::move(pending.access));
  }
}

void BankedSram::record(StatsRegistry& stats, std::string_view prefix) const {
  const std::string root(prefix);
  stats.add(root + ".read_requests", read_requests_);
  stats.add(root + ".write_requests", write_requests_);
  stats.add(root + ".read_words", read_words_);
  stats.add(root + ".write_words", write_words_);
  stats.add(root + ".busy_cycles", busy_cycles_);
  stats.add(root + ".conflict_cycles", conflict_cycles_);
  stats.add(root + ".stall_cycles", stall_cycles_);
}

}  // namespace cascade::sim
