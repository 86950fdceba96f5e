#include "arch/systolic/SystolicArrayModule.h"

namespace cascade::arch {

SystolicArrayModule::SystolicArrayModule(const sc_core::sc_module_name& name,
                                         const SystolicArrayConfig& config, const IntMatrix& a,
                                         const IntMatrix& b)
    : sc_core::sc_module(name),
      clock("clock"),
      config_(config),
      a_(a),
      b_(b),
      result_(a.rows, b.cols),
      tiles_(systolic_tiles(config, a.rows, b.cols, a.cols)),
      tile_start_cycles_{0},
      done_event_("done_event") {
  SC_METHOD(on_clock_edge);
  sensitive << clock.pos();
  dont_initialize();
}

void SystolicArrayModule::on_clock_edge() {
  if (cycle_ == 0) {
    start_tile();
  }
  if (!done_) {
    captured_in_tile_ += capture_results(tiles_[tile_index_]);
    if (captured_in_tile_ == results_per_tile(tiles_[tile_index_])) {
      ++tile_index_;
      captured_in_tile_ = 0;
      if (tile_index_ == tiles_.size()) {
        done_ = true;
        total_cycles_ = cycle_;
        done_event_.notify(sc_core::SC_ZERO_TIME);
      } else {
        tile_start_ = cycle_;
        tile_start_cycles_.push_back(cycle_);
        start_tile();
      }
    }
  }
  if (done_) {
    drive_idle();
  } else {
    drive_inputs(tiles_[tile_index_], cycle_ - tile_start_);
  }
  ++cycle_;
}

}  // namespace cascade::arch
