#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine/RoundProgram.h"

namespace cascade::arch {

// The units of the spatial models' cycle-level programs (sim/engine): indices into
// RoundProgram::units.
enum SpatialUnit : int { kArray2d = 0, kArray1d = 1, kDram = 2 };
int spatial_unit(const std::string& unit);  // "array2d" -> kArray2d, "array1d" -> kArray1d

// Cycles of one of `parts` equal shares of `total`, rounded up.
uint64_t share(double total, uint64_t parts);

// How many rounds to cut a phase of `phase_cycles` into: its natural tiles, but no round shorter
// than kMinRoundCycles, so that rounding each task up to whole cycles costs at most a few per mille.
constexpr double kMinRoundCycles = 1024;
uint64_t round_count_for(uint64_t natural_tiles, double phase_cycles);

// Work of one unit inside a round: `total_cycles` over the whole phase, split evenly over tiles.
struct TaskSpec {
  std::string name;
  int unit = kArray2d;
  double total_cycles = 0;
};

// A phase processed tile by tile with double buffering: each tile's inputs are loaded from DRAM,
// its stages run (the tasks of a stage at the same time on their units, each stage after the one
// before), and its outputs are stored while the next tile computes. The DRAM channel is one
// in-order unit: a round's load, then the previous round's store.
sim::RoundProgram streamed_program(const std::vector<std::vector<TaskSpec>>& stages, uint64_t tiles,
                                   double read_bytes, double write_bytes, double bytes_per_cycle);

// FLAT's fused attention, one fusion unit (a head or a group of query rows) per round: load, QK
// on the 2D array, the softmax on the 1D array, then AV on the 2D array, which runs after the
// next unit's QK so that both arrays overlap, and the store of the result.
struct FusedAttentionSpec {
  uint64_t rounds = 1;
  double qk_cycles = 0, softmax_cycles = 0, av_cycles = 0;  // whole phase
  double read_bytes = 0, write_bytes = 0;
};
sim::RoundProgram fused_attention_program(const FusedAttentionSpec& spec, double bytes_per_cycle);

}  // namespace cascade::arch
