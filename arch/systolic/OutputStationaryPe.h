// One processing element of an output-stationary systolic array (timing: SystolicGemmCycles.h).
//
// Each rising edge it reads the registers its neighbours wrote in the previous cycle and writes
// its own: A comes from the left and is passed right, B comes from above and is passed down
// (each only up to the PE its `reach` names), and a valid pair is one MAC into the PE's
// accumulator. The pair flagged `last` ends the output:
// that MAC's sum goes into the upward result register instead of the accumulator. Results from
// the PE below are passed up one per cycle; by the schedule the edge logic follows, a PE never
// has its own result and one from below in the same cycle.
#pragma once

#include <cstdint>
#include <systemc>

#include "arch/systolic/LinkToken.h"

namespace cascade::arch {

class OutputStationaryPe : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(OutputStationaryPe);

  sc_core::sc_in<bool> clock;
  sc_core::sc_in<LinkToken> a_in;       // from the left neighbour or the left edge
  sc_core::sc_in<LinkToken> b_in;       // from the neighbour above or the top edge
  sc_core::sc_in<LinkToken> result_in;  // from the neighbour below (never valid in the last row)
  sc_core::sc_out<LinkToken> a_out;
  sc_core::sc_out<LinkToken> b_out;
  sc_core::sc_out<LinkToken> result_out;  // to the neighbour above or the top edge

  OutputStationaryPe(const sc_core::sc_module_name& name, std::uint64_t row, std::uint64_t col);

  std::uint64_t mac_count() const { return mac_count_; }

 private:
  // Throws std::logic_error when the operands it receives break the schedule (a model bug).
  void on_clock_edge();

  std::uint64_t row_;
  std::uint64_t col_;
  std::int64_t accumulator_ = 0;
  std::uint64_t mac_count_ = 0;
};

}  // namespace cascade::arch
