#include "arch/systolic/OutputStationaryArray.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cascade::arch {

OutputStationaryArray::OutputStationaryArray(const sc_core::sc_module_name& name,
                                             const SystolicArrayConfig& config, const IntMatrix& a,
                                             const IntMatrix& b)
    : SystolicArrayModule(name, config, a, b),
      a_links_("a_link", config.rows * (config.cols + 1)),
      b_links_("b_link", (config.rows + 1) * config.cols),
      result_links_("result_link", (config.rows + 1) * config.cols),
      pes_("pe", config.rows * config.cols,
           [&config](const char* pe_name, std::size_t index) {
             return new OutputStationaryPe(pe_name, index / config.cols, index % config.cols);
           }),
      captured_per_column_(config.cols, 0) {
  for (std::uint64_t i = 0; i < config.rows; ++i) {
    for (std::uint64_t j = 0; j < config.cols; ++j) {
      OutputStationaryPe& pe = pes_[i * config.cols + j];
      pe.clock(clock);
      pe.a_in(a_link(i, j));
      pe.a_out(a_link(i, j + 1));
      pe.b_in(b_link(i, j));
      pe.b_out(b_link(i + 1, j));
      pe.result_in(result_link(i + 1, j));
      pe.result_out(result_link(i, j));
    }
  }
}

sc_core::sc_signal<LinkToken>& OutputStationaryArray::a_link(std::uint64_t i, std::uint64_t j) {
  return a_links_[i * (config_.cols + 1) + j];
}

sc_core::sc_signal<LinkToken>& OutputStationaryArray::b_link(std::uint64_t i, std::uint64_t j) {
  return b_links_[i * config_.cols + j];
}

sc_core::sc_signal<LinkToken>& OutputStationaryArray::result_link(std::uint64_t i,
                                                                  std::uint64_t j) {
  return result_links_[i * config_.cols + j];
}

std::uint64_t OutputStationaryArray::mac_count() const {
  std::uint64_t count = 0;
  for (const OutputStationaryPe& pe : pes_) {
    count += pe.mac_count();
  }
  return count;
}

std::uint64_t OutputStationaryArray::capture_results(const SystolicTile& tile) {
  std::uint64_t captured = 0;
  for (std::uint64_t j = 0; j < config_.cols; ++j) {
    const LinkToken token = result_link(0, j).read();
    if (!token.valid) {
      continue;
    }
    std::uint64_t& row = captured_per_column_[j];
    if (j >= tile.cols_used || row >= tile.rows_used) {
      throw std::logic_error(std::string(name()) + ": unexpected result at the top of column " +
                             std::to_string(j));
    }
    result_.at(tile.row_begin + row, tile.col_begin + j) = token.value;
    ++row;
    ++captured;
  }
  return captured;
}

std::uint64_t OutputStationaryArray::results_per_tile(const SystolicTile& tile) const {
  return tile.rows_used * tile.cols_used;
}

void OutputStationaryArray::drive_inputs(const SystolicTile& tile, std::uint64_t cycle_in_tile) {
  const std::uint64_t K = a_.cols;
  // Row i (column j) gets stream step k in tile cycle i + k (j + k): the skew. A reaches the
  // tile's last column, B its last row.
  for (std::uint64_t i = 0; i < config_.rows; ++i) {
    LinkToken token;
    if (i < tile.rows_used && cycle_in_tile >= i && cycle_in_tile - i < K) {
      const std::uint64_t k = cycle_in_tile - i;
      token = {a_.at(tile.row_begin + i, k), true, k == K - 1, tile.cols_used - 1};
    }
    a_link(i, 0).write(token);
  }
  for (std::uint64_t j = 0; j < config_.cols; ++j) {
    LinkToken token;
    if (j < tile.cols_used && cycle_in_tile >= j && cycle_in_tile - j < K) {
      const std::uint64_t k = cycle_in_tile - j;
      token = {b_.at(k, tile.col_begin + j), true, k == K - 1, tile.rows_used - 1};
    }
    b_link(0, j).write(token);
  }
}

void OutputStationaryArray::drive_idle() {
  for (std::uint64_t i = 0; i < config_.rows; ++i) {
    a_link(i, 0).write(LinkToken{});
  }
  for (std::uint64_t j = 0; j < config_.cols; ++j) {
    b_link(0, j).write(LinkToken{});
  }
}

void OutputStationaryArray::start_tile() {
  std::fill(captured_per_column_.begin(), captured_per_column_.end(), 0);
}

}  // namespace cascade::arch
