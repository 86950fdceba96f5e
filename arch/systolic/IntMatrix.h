// A dense row-major matrix of 64-bit integers: the operands and result of the PE-level GEMM.
// Integers keep the PE array's sums exact whatever order they are added in, so its result can
// be compared bit for bit with a plain triple loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cascade::arch {

struct IntMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::int64_t> values;  // rows * cols, row-major

  IntMatrix() = default;
  // rows x cols zeros.
  IntMatrix(std::size_t rows, std::size_t cols);

  std::int64_t& at(std::size_t row, std::size_t col) { return values.at(row * cols + col); }
  std::int64_t at(std::size_t row, std::size_t col) const { return values.at(row * cols + col); }

  friend bool operator==(const IntMatrix&, const IntMatrix&) = default;
};

// The cols x rows matrix with m's rows as its columns.
IntMatrix transpose(const IntMatrix& m);

}  // namespace cascade::arch
