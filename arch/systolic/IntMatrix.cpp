#include "arch/systolic/IntMatrix.h"

namespace cascade::arch {

IntMatrix::IntMatrix(std::size_t rows, std::size_t cols)
    : rows(rows), cols(cols), values(rows * cols, 0) {}

}  // namespace cascade::arch
