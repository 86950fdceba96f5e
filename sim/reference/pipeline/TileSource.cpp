#include "sim/reference/pipeline/TileSource.h"

#include <stdexcept>

namespace cascade::sim {

TileSource::TileSource(const sc_core::sc_module_name& name, std::uint64_t tile_count)
    : sc_core::sc_module(name), clock("clock"), output("output"), tile_count_(tile_count) {
  if (tile_count == 0) {
    throw std::invalid_argument("TileSource tile_count must be at least 1, got 0");
  }
  SC_CTHREAD(run, clock.pos());
}

void TileSource::run() {
  // The thread ends once every tile is out, so an idle source costs the kernel nothing.
  for (Cycle cycle = 0; tiles_emitted_ < tile_count_; ++cycle) {
    if (output.num_free() > 0) {
      Tile tile;
      tile.index = tiles_emitted_;
      tile.emitted_cycle = cycle;
      output.nb_write(tile);
      ++tiles_emitted_;
    }
    wait();
  }
}

}  // namespace cascade::sim
