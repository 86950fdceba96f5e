// One processing element of a weight-stationary systolic array (timing: SystolicGemmCycles.h).
//
// Each rising edge it reads the registers its neighbours wrote in the previous cycle and writes
// its own. Weights come from above, each with the row that keeps it as its `reach`: a PE keeps
// the one for its row and passes deeper ones down. A comes from the left and is passed right up
// to the column its `reach` names; a valid A adds A * weight to the partial sum from above,
// which is passed down. Without an A the
// partial sum from above passes unchanged (the rows below a partial tile).
#pragma once

#include <cstdint>
#include <systemc>

#include "arch/systolic/LinkToken.h"

namespace cascade::arch {

class WeightStationaryPe : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(WeightStationaryPe);

  sc_core::sc_in<bool> clock;
  sc_core::sc_in<LinkToken> a_in;       // from the left neighbour or the left edge
  sc_core::sc_in<LinkToken> weight_in;  // from the neighbour above or the top edge
  sc_core::sc_in<LinkToken> psum_in;    // from the neighbour above (never valid in row 0)
  sc_core::sc_out<LinkToken> a_out;
  sc_core::sc_out<LinkToken> weight_out;
  sc_core::sc_out<LinkToken> psum_out;  // to the neighbour below or the bottom edge

  WeightStationaryPe(const sc_core::sc_module_name& name, std::uint64_t row, std::uint64_t col);

  std::uint64_t mac_count() const { return mac_count_; }

 private:
  // Throws std::logic_error when the data it receives break the schedule (a model bug).
  void on_clock_edge();

  std::uint64_t row_;
  std::uint64_t col_;
  std::int64_t weight_ = 0;
  std::uint64_t mac_count_ = 0;
};

}  // namespace cascade::arch
