#include "arch/systolic/IntMatrix.h"

namespace cascade::arch {

IntMatrix::IntMatrix(std::size_t rows, std::size_t cols)
    : rows(rows), cols(cols), values(rows * cols, 0) {}

IntMatrix transpose(const IntMatrix& m) {
  IntMatrix t(m.cols, m.rows);
  for (std::size_t i = 0; i < m.rows; ++i)
    for (std::size_t j = 0; j < m.cols; ++j) t.at(j, i) = m.at(i, j);
  return t;
}

}  // namespace cascade::arch
