// Emits a fixed number of tiles into a queue, one per cycle while the queue has room: the
// producer end of a tile pipeline (a DRAM stream or an upstream unit, at its simplest).
#pragma once

#include <cstdint>
#include <systemc>

#include "sim/reference/pipeline/Tile.h"

namespace cascade::sim {

class TileSource : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(TileSource);

  sc_core::sc_in<bool> clock;
  sc_core::sc_fifo_out<Tile> output;

  // Throws std::invalid_argument when tile_count is 0.
  TileSource(const sc_core::sc_module_name& name, std::uint64_t tile_count);

  std::uint64_t tile_count() const { return tile_count_; }
  std::uint64_t tiles_emitted() const { return tiles_emitted_; }

 private:
  void run();

  std::uint64_t tile_count_;
  std::uint64_t tiles_emitted_ = 0;
};

}  // namespace cascade::sim
