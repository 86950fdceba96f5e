// The tile-granular cycle mode of a systolic GEMM: its tiles (SystolicTiles.h) as a program of
// rounds for the cycle engine (sim/engine/RoundProgram.h), one round a tile, run on SystemC with
// fast-forward. It clocks tiles, not PEs: each tile occupies the array for the cycles that
// SystolicGemmCycles.h defines, so it counts what the closed form counts and what the PE-level
// model clocks, in time that grows with the distinct tile shapes, not with the GEMM.
#pragma once

#include <cstdint>

#include "arch/systolic/SystolicArrayConfig.h"
#include "sim/engine/RoundProgram.h"

namespace cascade::arch {

// Units: "array" (a tile's load, fill and stream: Serial, its whole cost; Pipelined, the period
// P until the next tile may start) and "output" (Pipelined: the capture of the tile's last result,
// a cycle after its far MAC). Rounds in the order the array runs the tiles, equal tiles in a row
// as one run, equal rows of tiles (OS: an M-block; WS: an N-block; IS: an M-block) as one
// repeated block: at most four runs, whatever the GEMM's size. Throws like gemm_cycles.
sim::RoundProgram systolic_tile_program(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                                        std::uint64_t K);

struct SystolicTileRun {
  std::uint64_t cycles = 0;            // the cycle the last result is captured
  std::uint64_t tiles = 0;
  std::uint64_t tiles_simulated = 0;   // rounds the engine ran (the rest fast-forwarded)
};

// Runs the program (sim::simulate_round_pipeline).
SystolicTileRun simulate_systolic_tiles(const SystolicArrayConfig& config, std::uint64_t M, std::uint64_t N,
                                        std::uint64_t K, bool fast_forward = true);

}  // namespace cascade::arch
