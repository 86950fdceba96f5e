// Checked arithmetic and guarded casts (base/CheckedMath.h), and the text helpers.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "base/CheckedMath.h"
#include "base/Format.h"
#include "base/Text.h"

namespace cascade::base {
namespace {

TEST(CheckedMath, AddAndMultiplyAtTheEdge) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  EXPECT_EQ(checked_add(max - 1, 1), max);
  EXPECT_FALSE(checked_add(max, 1));
  EXPECT_EQ(checked_mul(uint64_t{1} << 32, (uint64_t{1} << 32) - 1), max - ((uint64_t{1} << 32) - 1));
  EXPECT_FALSE(checked_mul(uint64_t{1} << 32, uint64_t{1} << 32));
}

TEST(CheckedMath, WholeInRange) {
  // 2^64 - 1 is not a double: the largest double below 2^64 is 2^64 - 2048.
  EXPECT_TRUE(is_whole_in_range<uint64_t>(18446744073709549568.0));
  EXPECT_FALSE(is_whole_in_range<uint64_t>(18446744073709551616.0));  // 2^64
  EXPECT_TRUE(is_whole_in_range<uint32_t>(4294967295.0));
  EXPECT_FALSE(is_whole_in_range<uint32_t>(4294967296.0));
  EXPECT_FALSE(is_whole_in_range<uint32_t>(-1.0));
  EXPECT_TRUE(is_whole_in_range<int64_t>(-9223372036854775808.0));
  EXPECT_FALSE(is_whole_in_range<int64_t>(9223372036854775808.0));
  EXPECT_FALSE(is_whole_in_range<uint32_t>(1.5));
  EXPECT_FALSE(is_whole_in_range<uint32_t>(std::nan("")));
  EXPECT_FALSE(is_whole_in_range<uint32_t>(INFINITY));
  EXPECT_TRUE(is_finite_non_negative(0.0));
  EXPECT_FALSE(is_finite_non_negative(-1e-300));
}

TEST(Text, PrintableAndFormat) {
  EXPECT_EQ(printable("a\nb\x1b[31m\x7f"), "a?b?[31m?");
  EXPECT_TRUE(is_printable("h100 (sxm) 'x' \xc3\xa9"));
  EXPECT_FALSE(is_printable("x\n"));
  // No fixed buffer: a 1000-character name and a 309-digit number come out whole.
  const std::string name(1000, 'k');
  EXPECT_EQ(format("%s %.0f", name.c_str(), 1e308).size(), 1000 + 1 + 309);
}

}  // namespace
}  // namespace cascade::base
