#pragma once

#include "arch/ArchConfig.h"
#include "arch/fusemax/QueryTilingTraffic.h"
#include "arch/spatial/PhaseEvaluator.h"
#include "sim/engine/RoundProgram.h"

namespace cascade::arch {

// FuseMax's attention as a tile-granular program (sim/engine): for each group of P1 query tiles
// of each (batch, head): Q is loaded; for each key chunk its K and V slices are loaded and every
// tile runs the chunk's Einsums - each a task on its bound array, after the Einsums whose outputs
// it reads (this chunk's, or the previous chunk's for a running quantity) - so the 2D array works
// on one tile while the 1D array finishes the previous one; after the last chunk the per-tile
// Einsums (the division AV) run, and the results are stored while the next group loads. Task
// lengths are the Einsums' busy cycles per tile and chunk (PhaseEvaluator::busy_cycles).
sim::RoundProgram fusemax_attention_program(const ArchConfig& config,
                                            const workloads::Cascade& cascade,
                                            const workloads::RankSizes& sizes,
                                            const PhaseEvaluator& phases,
                                            const PhaseEvaluator::PhasePlan& plan,
                                            const QueryTilingPlan& tiling);

}  // namespace cascade::arch
