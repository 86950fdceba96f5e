#pragma once

#include <string>

#include "sim/engine/RoundProgram.h"
#include "sim/result/Timeline.h"

namespace cascade::sim {

struct RoundPipelineOptions {
  // Detect that the pipeline's timing repeats round after round (or block after block) and skip
  // ahead exactly; off, every round is simulated.
  bool fast_forward = true;
  // Where to record what each unit did, on a track named after it: busy with a task (its name, the
  // phase and the round), stalled on a dependence or on full buffers, idle, or fast-forwarded (one
  // interval for the skipped rounds, with their count); every unit's track covers the run from 0
  // to its last cycle. Times are cycles plus `timeline_offset`; nullptr records nothing.
  Timeline* timeline = nullptr;
  uint64_t timeline_offset = 0;
  std::string timeline_phase = {};
};

// Runs a program on SystemC: one clocked-time thread per unit, dependences through events, time
// in cycles (1 ns each). With fast-forward, once the completion times of every task advance by
// the same number of cycles from one period to the next (a period: one round within a run, or
// one repetition of a block), the pipeline is in a periodic steady state - in-order units with
// identical work and dependences make timing a max-plus linear recurrence, so it stays periodic -
// and the remaining whole periods are skipped: every unit's clock and the busy counters advance
// by the period's amounts, and dependences on skipped rounds are read off the last simulated
// period. Results equal those without fast-forward (tests/sim/round_pipeline_test.cpp).
// Throws std::invalid_argument for a malformed program (unknown unit, task without cycles...).
RoundPipelineStats simulate_round_pipeline(const RoundProgram& program,
                                           const RoundPipelineOptions& options = {});

}  // namespace cascade::sim
