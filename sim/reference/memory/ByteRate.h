// An exact, possibly fractional, number of bytes per cycle: `bytes` every `per_cycles` cycles.
//
// Memory bandwidths are rarely whole bytes per cycle (400 GiB/s at 940 MHz is 456.91... B/cycle),
// and rounding them per cycle or per request makes long runs drift. Modules instead keep an
// integer credit: every cycle earns `bytes` credits and a byte costs `per_cycles` credits, so the
// bytes moved by the end of cycle t of a busy period are exactly floor((t + 1) * bytes /
// per_cycles), with no rounding beyond that floor.
#pragma once

#include <cstdint>

namespace cascade::sim {

struct ByteRate {
  std::uint64_t bytes = 0;
  std::uint64_t per_cycles = 1;

  // A bandwidth in bytes per second at a clock in Hz, e.g. from_bandwidth(400 * 2^30, 940e6).
  static ByteRate from_bandwidth(std::uint64_t bytes_per_second, std::uint64_t clock_hz) {
    return ByteRate{bytes_per_second, clock_hz};
  }

  // The same rate with bytes and per_cycles divided by their greatest common divisor.
  ByteRate reduced() const;
  double bytes_per_cycle() const {
    return static_cast<double>(bytes) / static_cast<double>(per_cycles);
  }
};

}  // namespace cascade::sim
