#include "arch/systolic/WeightStationaryArray.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cascade::arch {

WeightStationaryArray::WeightStationaryArray(const sc_core::sc_module_name& name,
                                             const SystolicArrayConfig& config, const IntMatrix& a,
                                             const IntMatrix& b)
    : SystolicArrayModule(name, config, a, b),
      a_links_("a_link", config.rows * (config.cols + 1)),
      weight_links_("weight_link", (config.rows + 1) * config.cols),
      psum_links_("psum_link", (config.rows + 1) * config.cols),
      pes_("pe", config.rows * config.cols,
           [&config](const char* pe_name, std::size_t index) {
             return new WeightStationaryPe(pe_name, index / config.cols, index % config.cols);
           }),
      captured_per_column_(config.cols, 0) {
  for (std::uint64_t i = 0; i < config.rows; ++i) {
    for (std::uint64_t j = 0; j < config.cols; ++j) {
      WeightStationaryPe& pe = pes_[i * config.cols + j];
      pe.clock(clock);
      pe.a_in(a_link(i, j));
      pe.a_out(a_link(i, j + 1));
      pe.weight_in(weight_link(i, j));
      pe.weight_out(weight_link(i + 1, j));
      pe.psum_in(psum_link(i, j));
      pe.psum_out(psum_link(i + 1, j));
    }
  }
}

sc_core::sc_signal<LinkToken>& WeightStationaryArray::a_link(std::uint64_t i, std::uint64_t j) {
  return a_links_[i * (config_.cols + 1) + j];
}

sc_core::sc_signal<LinkToken>& WeightStationaryArray::weight_link(std::uint64_t i,
                                                                  std::uint64_t j) {
  return weight_links_[i * config_.cols + j];
}

sc_core::sc_signal<LinkToken>& WeightStationaryArray::psum_link(std::uint64_t i, std::uint64_t j) {
  return psum_links_[i * config_.cols + j];
}

std::uint64_t WeightStationaryArray::mac_count() const {
  std::uint64_t count = 0;
  for (const WeightStationaryPe& pe : pes_) {
    count += pe.mac_count();
  }
  return count;
}

std::uint64_t WeightStationaryArray::capture_results(const SystolicTile& tile) {
  const std::uint64_t M = a_.rows;
  std::uint64_t captured = 0;
  for (std::uint64_t j = 0; j < config_.cols; ++j) {
    const LinkToken token = psum_link(config_.rows, j).read();
    if (!token.valid) {
      continue;
    }
    std::uint64_t& m = captured_per_column_[j];
    if (j >= tile.cols_used || m >= M) {
      throw std::logic_error(std::string(name()) +
                             ": unexpected partial sum at the bottom of column " +
                             std::to_string(j));
    }
    // The output buffer adds each K tile's partial sums into C.
    result_.at(m, tile.col_begin + j) += token.value;
    ++m;
    ++captured;
  }
  return captured;
}

std::uint64_t WeightStationaryArray::results_per_tile(const SystolicTile& tile) const {
  return a_.rows * tile.cols_used;
}

void WeightStationaryArray::drive_inputs(const SystolicTile& tile, std::uint64_t cycle_in_tile) {
  const std::uint64_t M = a_.rows;
  const std::uint64_t r = tile.rows_used;
  // Load: in tile cycle x < r, every used column gets the weight of row r - 1 - x (deepest
  // first, so all rows latch together in cycle r).
  for (std::uint64_t j = 0; j < config_.cols; ++j) {
    LinkToken token;
    if (j < tile.cols_used && cycle_in_tile < r) {
      const std::uint64_t row = r - 1 - cycle_in_tile;
      token = {b_.at(tile.row_begin + row, tile.col_begin + j), true, false, row};
    }
    weight_link(0, j).write(token);
  }
  // Stream: row i gets A[m, k0 + i] in tile cycle r + i + m (the skew), reaching the tile's
  // last column.
  for (std::uint64_t i = 0; i < config_.rows; ++i) {
    LinkToken token;
    if (i < r && cycle_in_tile >= r + i && cycle_in_tile - r - i < M) {
      const std::uint64_t m = cycle_in_tile - r - i;
      token = {a_.at(m, tile.row_begin + i), true, false, tile.cols_used - 1};
    }
    a_link(i, 0).write(token);
  }
}

void WeightStationaryArray::drive_idle() {
  for (std::uint64_t j = 0; j < config_.cols; ++j) {
    weight_link(0, j).write(LinkToken{});
  }
  for (std::uint64_t i = 0; i < config_.rows; ++i) {
    a_link(i, 0).write(LinkToken{});
  }
}

void WeightStationaryArray::start_tile() {
  std::fill(captured_per_column_.begin(), captured_per_column_.end(), 0);
}

}  // namespace cascade::arch
