// PE-level model of an R x C output-stationary systolic array running one GEMM: a grid of
// OutputStationaryPe joined by registers, with edge logic that feeds A from the left and B from
// the top (skewed) and captures results at the top edge. Mapping and timing:
// SystolicGemmCycles.h.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "arch/systolic/LinkToken.h"
#include "arch/systolic/OutputStationaryPe.h"
#include "arch/systolic/SystolicArrayModule.h"

namespace cascade::arch {

class OutputStationaryArray : public SystolicArrayModule {
 public:
  // a and b must outlive the simulation. The caller validates the config and shapes.
  OutputStationaryArray(const sc_core::sc_module_name& name, const SystolicArrayConfig& config,
                        const IntMatrix& a, const IntMatrix& b);

  std::uint64_t mac_count() const override;

 private:
  std::uint64_t capture_results(const SystolicTile& tile) override;
  std::uint64_t results_per_tile(const SystolicTile& tile) const override;
  void drive_inputs(const SystolicTile& tile, std::uint64_t cycle_in_tile) override;
  void drive_idle() override;
  void start_tile() override;

  // a_links_[i][j] (j = 0..C) feeds PE(i,j): from the left edge (j = 0) or PE(i,j-1).
  sc_core::sc_signal<LinkToken>& a_link(std::uint64_t i, std::uint64_t j);
  // b_links_[i][j] (i = 0..R) feeds PE(i,j): from the top edge (i = 0) or PE(i-1,j).
  sc_core::sc_signal<LinkToken>& b_link(std::uint64_t i, std::uint64_t j);
  // result_links_[i][j] (i = 0..R) is PE(i,j)'s upward result register; row R has no PE and
  // stays empty, PE(0,j)'s is read by the top edge.
  sc_core::sc_signal<LinkToken>& result_link(std::uint64_t i, std::uint64_t j);

  sc_core::sc_vector<sc_core::sc_signal<LinkToken>> a_links_;
  sc_core::sc_vector<sc_core::sc_signal<LinkToken>> b_links_;
  sc_core::sc_vector<sc_core::sc_signal<LinkToken>> result_links_;
  sc_core::sc_vector<OutputStationaryPe> pes_;
  // Results captured so far from each column in this tile: the next one is from that row.
  std::vector<std::uint64_t> captured_per_column_;
};

}  // namespace cascade::arch
