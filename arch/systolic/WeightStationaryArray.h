// PE-level model of an R x C weight-stationary systolic array running one GEMM: a grid of
// WeightStationaryPe joined by registers, with edge logic that shifts each tile's weights in from
// the top, feeds A from the left (skewed) and captures partial sums at the bottom edge, adding
// them into C. Mapping and timing: SystolicGemmCycles.h.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "arch/systolic/LinkToken.h"
#include "arch/systolic/SystolicArrayModule.h"
#include "arch/systolic/WeightStationaryPe.h"

namespace cascade::arch {

class WeightStationaryArray : public SystolicArrayModule {
 public:
  // a and b must outlive the simulation. The caller validates the config and shapes.
  WeightStationaryArray(const sc_core::sc_module_name& name, const SystolicArrayConfig& config,
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
  // weight_links_[i][j] (i = 0..R) feeds PE(i,j): from the top edge (i = 0) or PE(i-1,j).
  sc_core::sc_signal<LinkToken>& weight_link(std::uint64_t i, std::uint64_t j);
  // psum_links_[i][j] (i = 0..R) feeds PE(i,j) from PE(i-1,j); row 0's has no writer and stays
  // empty, row R's is read by the bottom edge.
  sc_core::sc_signal<LinkToken>& psum_link(std::uint64_t i, std::uint64_t j);

  sc_core::sc_vector<sc_core::sc_signal<LinkToken>> a_links_;
  sc_core::sc_vector<sc_core::sc_signal<LinkToken>> weight_links_;
  sc_core::sc_vector<sc_core::sc_signal<LinkToken>> psum_links_;
  sc_core::sc_vector<WeightStationaryPe> pes_;
  // Partial sums captured so far from each column in this tile: the next one is for that m.
  std::vector<std::uint64_t> captured_per_column_;
};

}  // namespace cascade::arch
