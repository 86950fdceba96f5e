#include "arch/systolic/OutputStationaryPe.h"

#include <stdexcept>
#include <string>

namespace cascade::arch {

OutputStationaryPe::OutputStationaryPe(const sc_core::sc_module_name& name, std::uint64_t row,
                                       std::uint64_t col)
    : sc_core::sc_module(name),
      clock("clock"),
      a_in("a_in"),
      b_in("b_in"),
      result_in("result_in"),
      a_out("a_out"),
      b_out("b_out"),
      result_out("result_out"),
      row_(row),
      col_(col) {
  SC_METHOD(on_clock_edge);
  sensitive << clock.pos();
  dont_initialize();
}

void OutputStationaryPe::on_clock_edge() {
  const LinkToken a = a_in.read();
  const LinkToken b = b_in.read();
  if (a.valid != b.valid || a.last != b.last) {
    throw std::logic_error(std::string(name()) + ": A and B operands arrived out of step");
  }
  LinkToken result;
  if (a.valid) {
    const std::int64_t sum = accumulator_ + a.value * b.value;
    ++mac_count_;
    if (a.last) {
      result.value = sum;
      result.valid = true;
      accumulator_ = 0;
    } else {
      accumulator_ = sum;
    }
  }
  const LinkToken from_below = result_in.read();
  if (from_below.valid) {
    if (result.valid) {
      throw std::logic_error(std::string(name()) +
                             ": its own result and one from below want the same cycle");
    }
    result = from_below;
  }
  a_out.write(col_ < a.reach ? a : LinkToken{});
  b_out.write(row_ < b.reach ? b : LinkToken{});
  result_out.write(result);
}

}  // namespace cascade::arch
