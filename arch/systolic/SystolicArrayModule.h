// The part of a PE-level systolic array model both dataflows share: the edge logic's tile
// sequencing. Each rising edge it (1) lets the dataflow capture the results that reached the
// output edge, (2) when the current tile's last result has been captured, starts the next tile
// in this same cycle, and (3) lets the dataflow register the current tile's operands for this
// cycle. The next tile thus starts only once the array is empty (no overlap), as
// SystolicGemmCycles.h defines; the sequencing looks only at captured results, never at the
// closed form, so the cycle count it measures is an independent check of that formula.
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "arch/systolic/IntMatrix.h"
#include "arch/systolic/SystolicArrayConfig.h"
#include "arch/systolic/SystolicTiles.h"

namespace cascade::arch {

class SystolicArrayModule : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(SystolicArrayModule);

  sc_core::sc_in<bool> clock;

  bool done() const { return done_; }
  // Notified (one delta later) in the cycle the last result is captured.
  const sc_core::sc_event& done_event() const { return done_event_; }
  const IntMatrix& result() const { return result_; }
  // The cycle (from 0) the last result was captured: gemm_cycles if the model agrees.
  std::uint64_t total_cycles() const { return total_cycles_; }
  // The cycle each tile registered its first operands, in tile order.
  const std::vector<std::uint64_t>& tile_start_cycles() const { return tile_start_cycles_; }
  virtual std::uint64_t mac_count() const = 0;

 protected:
  // Computes C = A * B on the array; a and b are read during the simulation, so they must
  // outlive it. The caller validates the config and shapes.
  SystolicArrayModule(const sc_core::sc_module_name& name, const SystolicArrayConfig& config,
                      const IntMatrix& a, const IntMatrix& b);

  // Reads the output-edge registers and stores what they hold into result(); returns how many
  // results were captured.
  virtual std::uint64_t capture_results(const SystolicTile& tile) = 0;
  // How many captures complete a tile.
  virtual std::uint64_t results_per_tile(const SystolicTile& tile) const = 0;
  // Writes the input-edge registers for cycle `cycle_in_tile` of the tile (0: its first cycle).
  virtual void drive_inputs(const SystolicTile& tile, std::uint64_t cycle_in_tile) = 0;
  // Writes "no data" into every input-edge register.
  virtual void drive_idle() = 0;
  // Resets per-tile capture state; called in the first cycle of every tile.
  virtual void start_tile() = 0;

  const SystolicArrayConfig config_;
  const IntMatrix& a_;
  const IntMatrix& b_;
  IntMatrix result_;

 private:
  void on_clock_edge();

  std::vector<SystolicTile> tiles_;
  std::size_t tile_index_ = 0;
  std::uint64_t cycle_ = 0;
  std::uint64_t tile_start_ = 0;
  std::uint64_t captured_in_tile_ = 0;
  bool done_ = false;
  std::uint64_t total_cycles_ = 0;
  std::vector<std::uint64_t> tile_start_cycles_;
  sc_core::sc_event done_event_;
};

}  // namespace cascade::arch
