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

// A cohort's stay on the GPU, for a timeline: `blocks` blocks, `per_sm` on each of `sms` SMs, from
// `start_s` to `end_s`; a stretch of fast-forwarded periods is one span of `repeats` periods and
// all their blocks.
struct CohortSpan {
  double start_s = 0, end_s = 0;
  uint64_t blocks = 0;
  uint32_t sms = 0, per_sm = 0;
  uint64_t repeats = 1;
};

// What the GPU held at an event, from then to the next: resident blocks and their memory rate (the
// bytes a second the model's memory time counts, DRAM's or L2's as DRAM-equivalent bytes).
struct ScheduleSample {
  double time_s = 0;
  uint64_t resident_blocks = 0;
  double memory_bytes_per_s = 0;
};

struct ScheduleResult {
  double makespan_s = 0;       // first block start to last block end
  uint64_t events = 0;         // the schedule's events, those skipped by fast-forward included
  uint64_t simulated_events = 0;  // the events actually stepped through
  double average_resident_blocks = 0;  // time-averaged over the makespan, per SM
  uint64_t waves = 0;          // ceil(blocks / (sms * blocks_per_sm))
  // With `record`: every cohort's span and a sample at every simulated event, in time order, at
  // most kMaxRecordedSpans of each (the first ones; `spans_dropped` counts the rest).
  std::vector<CohortSpan> spans;
  std::vector<ScheduleSample> samples;
  uint64_t spans_dropped = 0;
};

inline constexpr size_t kMaxRecordedSpans = 100'000;

// `seconds_per_block` is a floor on each block's duration that no sharing changes (a block that
// waits on a clock, or on latency it cannot hide). With `serial_phases` (barriers separate a
// block's loads from the work on them), the first wave's blocks, which start in step, pass the
// phases in step: their memory and compute times add up instead of overlapping; later blocks
// start as others finish and overlap one another's phases. `latency_per_block` is time each
// block waits before its work proceeds (a pipeline's fill and drain), holding its slot.
// With `record`, the result holds the cohorts' spans and the samples of residency and memory rate
// (a timeline's); the schedule is the same either way.
// Throws std::invalid_argument if no block fits an SM, std::domain_error if a block's work never
// completes (a rate of 0, or work that takes longer than a double holds).
ScheduleResult schedule_blocks(uint64_t blocks, uint32_t sms, uint32_t blocks_per_sm,
                               double compute_per_block, double bytes_per_block,
                               const std::function<BlockRates(const Residency&)>& rates,
                               double seconds_per_block = 0, bool serial_phases = false,
                               double latency_per_block = 0, bool record = false);

}  // namespace cascade::arch::gpu
