#include "arch/systolic/SystolicGemmCycles.h"

#include <stdexcept>
#include <utility>
#include <string>

namespace cascade::arch {
namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0); }

std::uint64_t checked_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    throw std::overflow_error("gemm_cycles: the cycle count does not fit in 64 bits");
  }
  return sum;
}

std::uint64_t checked_multiply(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  if (__builtin_mul_overflow(a, b, &product)) {
    throw std::overflow_error("gemm_cycles: the cycle count does not fit in 64 bits");
  }
  return product;
}

void require_positive(const char* name, std::uint64_t value) {
  if (value == 0) {
    throw std::invalid_argument(std::string("GEMM ") + name + " must be at least 1, got 0");
  }
}

void require_in_range(const char* name, std::uint64_t value, std::uint64_t max) {
  if (value == 0 || value > max) {
    throw std::invalid_argument(std::string("systolic tile ") + name + " must be in [1, " +
                                std::to_string(max) + "], got " + std::to_string(value));
  }
}

}  // namespace

void validate_gemm_shape(std::uint64_t M, std::uint64_t N, std::uint64_t K) {
  require_positive("M", M);
  require_positive("N", N);
  require_positive("K", K);
}

SystolicTileCycles systolic_tile_cycles(const SystolicArrayConfig& config, std::uint64_t rows_used,
                                        std::uint64_t cols_used, std::uint64_t stream_length) {
  validate(config);
  require_in_range("rows_used", rows_used, config.rows);
  require_in_range("cols_used", cols_used, config.cols);
  if (stream_length == 0) {
    throw std::invalid_argument("systolic tile stream_length must be at least 1, got 0");
  }
  SystolicTileCycles cycles;
  cycles.stream = stream_length;
  if (config.dataflow == Dataflow::OutputStationary) {
    cycles.fill = rows_used + cols_used - 1;
    cycles.drain = rows_used - 1;
  } else {
    cycles.load = rows_used;
    cycles.fill = config.rows + cols_used - 1;
  }
  return cycles;
}

std::uint64_t systolic_tile_period(const SystolicArrayConfig& config, std::uint64_t stream_length) {
  // The far PE's last MAC of a full tile, the last cycle before the Serial tile's drain: OS
  // K + R + C - 2; WS and IS 2R + C + T - 2.
  const SystolicTileCycles full = systolic_tile_cycles(config, config.rows, config.cols, stream_length);
  return checked_add(checked_add(full.load, full.fill), full.stream) - 1;
}

std::uint64_t gemm_tile_count(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                              std::uint64_t K) {
  validate(config);
  validate_gemm_shape(M, N, K);
  switch (config.dataflow) {
    case Dataflow::OutputStationary:
      return checked_multiply(ceil_div(M, config.rows), ceil_div(N, config.cols));
    case Dataflow::WeightStationary:
      return checked_multiply(ceil_div(K, config.rows), ceil_div(N, config.cols));
    case Dataflow::InputStationary:
      break;
  }
  return checked_multiply(ceil_div(K, config.rows), ceil_div(M, config.cols));
}

std::uint64_t gemm_cycles(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                          std::uint64_t K) {
  const std::uint64_t tiles = gemm_tile_count(config, M, N, K);
  const bool os = config.dataflow == Dataflow::OutputStationary;
  // IS is WS on the transposed GEMM: M and N trade places.
  if (config.dataflow == Dataflow::InputStationary) std::swap(M, N);
  if (config.overlap == TileOverlap::Pipelined) {
    return checked_add(checked_multiply(tiles, systolic_tile_period(config, os ? K : M)), 1);
  }
  const std::uint64_t col_tiles = ceil_div(N, config.cols);
  if (os) {
    // 2 M Tn + N Tm + (K - 2) Tm Tn, added in an order that never goes below 0: 2 M Tn >= 2 Tm Tn.
    const std::uint64_t row_tiles = ceil_div(M, config.rows);
    const std::uint64_t sum =
        checked_add(checked_add(checked_multiply(checked_multiply(2, M), col_tiles),
                                checked_multiply(N, row_tiles)),
                    checked_multiply(K, tiles));
    return sum - 2 * tiles;
  }
  // K Tn + N Tk + (R + M - 1) Tk Tn (IS: M and N swapped above).
  const std::uint64_t row_tiles = ceil_div(K, config.rows);
  return checked_add(checked_add(checked_multiply(K, col_tiles), checked_multiply(N, row_tiles)),
                     checked_multiply(checked_add(config.rows, M) - 1, tiles));
}

}  // namespace cascade::arch
