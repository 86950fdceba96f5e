#include "arch/systolic/WeightStationaryPe.h"

#include <stdexcept>
#include <string>

namespace cascade::arch {

WeightStationaryPe::WeightStationaryPe(const sc_core::sc_module_name& name, std::uint64_t row,
                                       std::uint64_t col)
    : sc_core::sc_module(name),
      clock("clock"),
      a_in("a_in"),
      weight_in("weight_in"),
      psum_in("psum_in"),
      a_out("a_out"),
      weight_out("weight_out"),
      psum_out("psum_out"),
      row_(row),
      col_(col) {
  SC_METHOD(on_clock_edge);
  sensitive << clock.pos();
  dont_initialize();
}

void WeightStationaryPe::on_clock_edge() {
  const LinkToken a = a_in.read();
  const LinkToken psum_above = psum_in.read();
  LinkToken psum = psum_above;
  if (a.valid) {
    // Row 0 starts each partial sum; any deeper row must receive one with its A.
    if (row_ > 0 && !psum_above.valid) {
      throw std::logic_error(std::string(name()) +
                             ": an A operand arrived without its partial sum");
    }
    psum.value = (psum_above.valid ? psum_above.value : 0) + a.value * weight_;
    psum.valid = true;
    ++mac_count_;
  }

  // The weight register changes after this cycle's MAC, as a register does.
  const LinkToken weight = weight_in.read();
  LinkToken passed_weight;
  if (weight.valid) {
    if (weight.reach < row_) {
      throw std::logic_error(std::string(name()) + ": a weight for row " +
                             std::to_string(weight.reach) + " went past it");
    }
    if (weight.reach == row_) {
      weight_ = weight.value;
    } else {
      passed_weight = weight;
    }
  }
  a_out.write(col_ < a.reach ? a : LinkToken{});
  weight_out.write(passed_weight);
  psum_out.write(psum);
}

}  // namespace cascade::arch
