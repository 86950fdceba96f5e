#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace cascade::arch::gpu {

// The GPU's block scheduler, event by event: blocks go to SMs with a free slot (round-robin at
// launch, then to the SM where a block just finished), at most `blocks_per_sm` at a time (the
// occupancy result). Each resident block has compute work (seconds at its SM's full rate) and
// memory work (bytes); at every moment the SM's compute throughput is shared by its resident
// blocks and DRAM bandwidth by all resident blocks, both as `Rates` says for the current residency.
// A block finishes when both its compute and its memory work are done (they overlap). Identical
// blocks that start together finish together, so events are few: one per wave and residency.
// Once the resident cohorts repeat the state of an earlier event (the refills settle into a period
// of one or a few waves), the whole periods that remaining blocks still fill are skipped at once:
// their time, events and residency added as multiples of one period. CUDA's largest grid (about
// 2^63 blocks) is scheduled in a few events that way.
struct Residency {
  uint32_t blocks_on_sm = 0;    // resident blocks on this block's SM
  uint32_t blocks_on_gpu = 0;   // resident blocks on the whole GPU
};

struct BlockRates {
  double compute = 0;   // compute work done per second (1 = the SM's full rate for this block alone)
  double memory = 0;    // bytes per second
};

struct ScheduleResult {
  double makespan_s = 0;       // first block start to last block end
  uint64_t events = 0;         // the schedule's events, those skipped by fast-forward included
  uint64_t simulated_events = 0;  // the events actually stepped through
  double average_resident_blocks = 0;  // time-averaged over the makespan, per SM
  uint64_t waves = 0;          // ceil(blocks / (sms * blocks_per_sm))
};

// `seconds_per_block` is a floor on each block's duration that no sharing changes (a block that
// waits on a clock, or on latency it cannot hide). With `serial_phases` (barriers separate a
// block's loads from the work on them), the first wave's blocks, which start in step, pass the
// phases in step: their memory and compute times add up instead of overlapping; later blocks
// start as others finish and overlap one another's phases. `latency_per_block` is time each
// block waits before its work proceeds (a pipeline's fill and drain), holding its slot.
// Throws std::invalid_argument if no block fits an SM, std::domain_error if a block's work never
// completes (a rate of 0, or work that takes longer than a double holds).
ScheduleResult schedule_blocks(uint64_t blocks, uint32_t sms, uint32_t blocks_per_sm,
                               double compute_per_block, double bytes_per_block,
                               const std::function<BlockRates(const Residency&)>& rates,
                               double seconds_per_block = 0, bool serial_phases = false,
                               double latency_per_block = 0);

}  // namespace cascade::arch::gpu
