// A banked on-chip SRAM buffer serving tile accesses (see SramAccess.h), timed by bank conflicts
// and ports (see SramGeometry.h for the address mapping and an access's cost), optionally
// double-buffered. Accesses come from the bounded queue bound to `requests`, and each one's
// completion (the access, stamped) goes into the bounded queue bound to `responses`.
//
// Timing, with cycle c the c-th rising edge of `clock`:
// - Issue is in order: the SRAM reads the head access into its issue register as soon as it is
//   readable and the register is empty, and starts it on its half's banks in the first cycle that
//   half is free (so the register holds one access beyond the request queue, and an access
//   waiting for a busy half also holds back the ones behind it). In one cycle each half may start
//   one access, so a double-buffered SRAM can start a fill and a drain together.
// - An access of cost C (SramAccessCost::cycles) started in advancing cycle a keeps its half's
//   banks busy in cycles a .. a + C - 1, and its completion is written in advancing cycle a + C,
//   the cycle its half may start the next access.
// - Back-pressure: in a cycle in which a due completion cannot be written because `responses` is
//   full, the whole SRAM stalls (nothing starts, every timer holds), as in PipelinedUnit.
//   Completions due in one cycle are written in the order their accesses started.
// - Queues are sc_fifo: an item written in cycle c is readable from c + 1, and a slot freed in
//   cycle c is writable from c + 1.
// - An access beyond the capacity or naming a missing half ends the simulation: access_cost's
//   exception leaves sc_start as an sc_core::sc_report whose message contains its text.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <systemc>

#include "sim/reference/memory/SramAccess.h"
#include "sim/reference/memory/SramGeometry.h"
#include "sim/reference/memory/StatsRegistry.h"

namespace cascade::sim {

class BankedSram : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(BankedSram);

  sc_core::sc_in<bool> clock;
  sc_core::sc_fifo_in<SramAccess> requests;
  sc_core::sc_fifo_out<SramAccess> responses;

  // Throws std::invalid_argument for a bad geometry (see validate).
  BankedSram(const sc_core::sc_module_name& name, const SramGeometry& geometry);

  const SramGeometry& geometry() const { return geometry_; }

  std::uint64_t read_requests() const { return read_requests_; }
  std::uint64_t write_requests() const { return write_requests_; }
  // Words read from or written to banks: the per-access events of an energy model.
  std::uint64_t read_words() const { return read_words_; }
  std::uint64_t write_words() const { return write_words_; }
  // Advancing cycles in which some half's banks were busy.
  std::uint64_t busy_cycles() const { return busy_cycles_; }
  // Cycles bank conflicts added to the started accesses (SramAccessCost::conflict_cycles).
  std::uint64_t conflict_cycles() const { return conflict_cycles_; }
  // Cycles the SRAM was frozen because `responses` was full.
  std::uint64_t stall_cycles() const { return stall_cycles_; }

  // Adds the counters above under "<prefix>.": read_requests, write_requests, read_words,
  // write_words, busy_cycles, conflict_cycles, stall_cycles (counting accesses once started).
  void record(StatsRegistry& stats, std::string_view prefix) const;

 private:
  void run();
  // One rising edge: write due completions, then start what the free halves can take.
  void on_clock_edge();
  bool write_due_completions();
  void start_accesses();

  // The head access, read from `requests` and costed, waiting for its half.
  struct Pending {
    SramAccess access;
    SramAccessCost cost;
  };

  SramGeometry geometry_;

  Cycle cycle_ = 0;
  std::uint64_t step_ = 0;  // advancing cycles so far
  std::optional<Pending> issue_register_;
  std::array<std::uint64_t, 2> half_free_step_{};  // first advancing cycle each half is free
  // Started accesses by the advancing cycle their completion is due; equal keys keep start order.
  std::multimap<std::uint64_t, SramAccess> in_flight_;

  std::uint64_t read_requests_ = 0;
  std::uint64_t write_requests_ = 0;
  std::uint64_t read_words_ = 0;
  std::uint64_t write_words_ = 0;
  std::uint64_t busy_cycles_ = 0;
  std::uint64_t conflict_cycles_ = 0;
  std::uint64_t stall_cycles_ = 0;
};

}  // namespace cascade::sim
