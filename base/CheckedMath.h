#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

namespace cascade::base {

// Counts (operations, bytes, elements, blocks) are uint64_t and must never wrap: every sum and
// product of them goes through these, and the caller turns an empty result into an error that
// says what overflowed.
inline std::optional<uint64_t> checked_add(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

inline std::optional<uint64_t> checked_mul(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Whether `v` is a whole number that integer type T holds: converting a double outside T's range
// (or NaN) to T is undefined behaviour, so every such cast is guarded by this.
template <class T>
bool is_whole_in_range(double v) {
  static_assert(std::is_integral_v<T>);
  if (!std::isfinite(v) || v != std::floor(v)) return false;
  // 2^digits is exact in a double; T's maximum may not be (2^64 - 1 rounds up to 2^64).
  constexpr double kEnd = static_cast<double>(uint64_t{1} << (std::numeric_limits<T>::digits - 1)) * 2.0;
  return v >= static_cast<double>(std::numeric_limits<T>::min()) && v < kEnd;
}

// A finite number no smaller than zero: what every count, size, rate, time and energy in a config
// or a trace must be.
inline bool is_finite_non_negative(double v) { return std::isfinite(v) && v >= 0; }

}  // namespace cascade::base
