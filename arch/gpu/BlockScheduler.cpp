#include "arch/gpu/BlockScheduler.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/CheckedMath.h"

namespace cascade::arch::gpu {
namespace {

// Blocks that started together on SMs with the same residency progress identically: one cohort.
struct Cohort {
  uint64_t blocks = 0;       // blocks in the cohort
  uint32_t sms = 0;          // SMs they sit on
  uint32_t per_sm = 0;       // blocks of the cohort per SM
  double compute_left = 0;   // per block
  double bytes_left = 0;     // per block
  double wait_left = 0;      // per block, wall-clock seconds
  bool serial = false;       // memory and compute one after the other (a first wave in step)
  double delay_left = 0;     // per block, wall-clock seconds before its work proceeds
  double start = 0;          // when it started (for a timeline; not part of its state)
};

// The cohorts as numbers, in order: two events with equal states (to a relative 1e-12, what the
// completion test tolerates) evolve the same way while enough blocks are pending.
std::vector<double> state_of(const std::vector<Cohort>& cohorts) {
  std::vector<double> s;
  for (const auto& c : cohorts)
    s.insert(s.end(), {static_cast<double>(c.blocks), static_cast<double>(c.sms), static_cast<double>(c.per_sm),
                       c.compute_left, c.bytes_left, c.wait_left, c.serial ? 1.0 : 0.0, c.delay_left});
  return s;
}

bool same_state(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::abs(a[i] - b[i]) > 1e-12 * std::max(std::abs(a[i]), std::abs(b[i]))) return false;
  return true;
}

// A past event, for finding a period.
struct Seen {
  std::vector<double> state;
  double now, resident_time;
  uint64_t pending, events;
};

// The states kept for matching: periods span a few waves, and each wave a few events.
constexpr size_t kRememberedEvents = 64;
// A schedule that has not repeated within this many events is not periodic in any sense this
// model produces; stopping beats running for hours.
constexpr uint64_t kMaxSimulatedEvents = 10'000'000;

}  // namespace

ScheduleResult schedule_blocks(uint64_t blocks, uint32_t sms, uint32_t blocks_per_sm,
                               double compute_per_block, double bytes_per_block,
                               const std::function<BlockRates(const Residency&)>& rates,
                               double seconds_per_block, bool serial_phases, double latency_per_block,
                               bool record) {
  if (sms == 0 || blocks_per_sm == 0)
    throw std::invalid_argument("schedule_blocks: a kernel that fits no block on an SM cannot run");
  ScheduleResult result;
  const auto keep_span = [&](const CohortSpan& span) {
    if (result.spans.size() < kMaxRecordedSpans)
      result.spans.push_back(span);
    else
      ++result.spans_dropped;
  };
  const uint64_t wave = static_cast<uint64_t>(sms) * blocks_per_sm;
  result.waves = (blocks + wave - 1) / wave;
  uint64_t pending = blocks;
  double now = 0, resident_time = 0;
  std::vector<Cohort> cohorts;

  // A wave's blocks are spread round-robin: every SM gets floor(n / sms) and the first n % sms
  // one more. Cohorts are whole SMs, so a free SM gets a fresh cohort of its freed slots.
  // A fresh cohort of `n` blocks on `on_sms` SMs, `per_sm` each, its work all ahead of it.
  const auto fresh = [&](uint64_t n, uint64_t on_sms, uint64_t per_sm) {
    cohorts.push_back({n, static_cast<uint32_t>(on_sms), static_cast<uint32_t>(per_sm), compute_per_block,
                       bytes_per_block, seconds_per_block, false, latency_per_block, now});
  };
  const auto launch = [&](uint64_t n, uint32_t sm_count, uint32_t slots_per_sm, bool spread) {
    if (!spread) {
      // Refills after a wave: SMs free one after another and each takes more than an even share,
      // floor(n / SMs) + 1 blocks, up to its free slots (the H100 wave staircase,
      // validation/traces/h100/waves.csv: 132 blocks after a full wave run as 2 on 66 SMs).
      const uint64_t per_sm = std::min<uint64_t>(n / sm_count + 1, slots_per_sm);
      const uint64_t full = std::min<uint64_t>(n / per_sm, sm_count);
      const uint64_t rest = std::min<uint64_t>(n - full * per_sm, per_sm);
      if (full > 0) fresh(full * per_sm, full, per_sm);
      if (rest > 0 && full < sm_count) fresh(rest, 1, rest);
      return full * per_sm + (full < sm_count ? rest : 0);
    }
    const uint64_t per_sm = std::min<uint64_t>(n / sm_count, slots_per_sm);
    const uint64_t extra = per_sm < slots_per_sm ? n - per_sm * sm_count : 0;
    const uint64_t extra_sms = std::min<uint64_t>(extra, sm_count);
    if (per_sm + 1 <= slots_per_sm && extra_sms > 0) fresh(extra_sms * (per_sm + 1), extra_sms, per_sm + 1);
    if (per_sm > 0 && sm_count > extra_sms) fresh((sm_count - extra_sms) * per_sm, sm_count - extra_sms, per_sm);
    return extra_sms * (per_sm + 1 <= slots_per_sm ? per_sm + 1 : 0) + (sm_count - extra_sms) * per_sm;
  };
  // At launch every SM is idle: blocks are spread round-robin. The first wave starts in step, so
  // with serial phases its blocks wait on memory together and compute together; later blocks
  // start as others finish and overlap one another's phases.
  pending -= launch(pending, sms, blocks_per_sm, true);
  for (auto& c : cohorts) c.serial = serial_phases;

  std::deque<Seen> seen;
  bool fast_forwarded = false;
  while (!cohorts.empty()) {
    // Periods are looked for only while several waves are still to come: a short kernel would pay
    // for the bookkeeping and could skip little.
    if (!fast_forwarded && pending >= 4 * wave) {
      std::vector<double> state = state_of(cohorts);
      for (const Seen& past : seen) {
        if (!same_state(past.state, state)) continue;
        // One period moved `per_period` blocks from pending to running. Skip the periods the
        // pending blocks fill while one is left to run as usual (the end is not periodic).
        const uint64_t per_period = past.pending - pending;
        if (per_period == 0 || pending / per_period < 2) break;
        const uint64_t skipped = pending / per_period - 1;
        const double periods = static_cast<double>(skipped);
        if (record) {
          // The skipped periods as one span; the cohorts on the GPU now run after them.
          const double skipped_time = periods * (now - past.now);
          keep_span({now, now + skipped_time, skipped * per_period, sms, blocks_per_sm, skipped});
          for (auto& c : cohorts) c.start += skipped_time;
        }
        now += periods * (now - past.now);
        resident_time += periods * (resident_time - past.resident_time);
        // Saturates rather than wraps: the count is reported, never computed with.
        const auto more = base::checked_mul(skipped, result.events - past.events);
        const auto total = more ? base::checked_add(result.events, *more) : std::nullopt;
        result.events = total ? *total : std::numeric_limits<uint64_t>::max();
        pending -= skipped * per_period;
        fast_forwarded = true;
        break;
      }
      if (!fast_forwarded) {
        if (seen.size() == kRememberedEvents) seen.pop_front();
        seen.push_back({std::move(state), now, resident_time, pending, result.events});
      }
    }
    if (++result.simulated_events > kMaxSimulatedEvents)
      throw std::runtime_error("schedule_blocks: no periodic schedule within " + std::to_string(kMaxSimulatedEvents) +
                               " events");
    if (result.events < std::numeric_limits<uint64_t>::max()) ++result.events;
    uint64_t on_gpu = 0;
    for (const auto& c : cohorts) on_gpu += c.blocks;
    // Time to the next cohort's completion at the current rates.
    double step = std::numeric_limits<double>::infinity();
    std::vector<BlockRates> r(cohorts.size());
    for (size_t i = 0; i < cohorts.size(); ++i) {
      r[i] = rates({cohorts[i].per_sm, static_cast<uint32_t>(on_gpu)});
      const double tc = cohorts[i].compute_left > 0 ? cohorts[i].compute_left / r[i].compute : 0;
      const double tm = cohorts[i].bytes_left > 0 ? cohorts[i].bytes_left / r[i].memory : 0;
      step = std::min(step, cohorts[i].delay_left +
                                std::max(cohorts[i].serial ? tc + tm : std::max(tc, tm), cohorts[i].wait_left));
    }
    if (!std::isfinite(step))
      throw std::domain_error("schedule_blocks: a block's work never completes (a zero or non-finite rate)");
    if (record && result.samples.size() < kMaxRecordedSpans) {
      double memory = 0;
      for (size_t i = 0; i < cohorts.size(); ++i) memory += r[i].memory * static_cast<double>(cohorts[i].blocks);
      result.samples.push_back({now, on_gpu, memory});
    }
    now += step;
    resident_time += step * static_cast<double>(on_gpu) / sms;
    // Advance every cohort; those done free their SMs' slots.
    uint32_t freed_sms = 0, freed_slots = 0;
    std::vector<Cohort> next;
    for (size_t i = 0; i < cohorts.size(); ++i) {
      Cohort c = cohorts[i];
      // The block's latency passes first; its work proceeds in the rest of the step.
      const double delayed = std::min(step, c.delay_left);
      c.delay_left -= delayed;
      const double work_step = step - delayed;
      if (c.serial) {
        // Both kinds of work advance in proportion, so that what is left still takes the sum.
        const double tc = c.compute_left > 0 ? c.compute_left / r[i].compute : 0;
        const double tm = c.bytes_left > 0 ? c.bytes_left / r[i].memory : 0;
        const double left = tc + tm > 0 ? std::max(0.0, 1 - work_step / (tc + tm)) : 0;
        c.compute_left *= left;
        c.bytes_left *= left;
      } else {
        c.compute_left = std::max(0.0, c.compute_left - r[i].compute * work_step);
        c.bytes_left = std::max(0.0, c.bytes_left - r[i].memory * work_step);
      }
      c.wait_left = std::max(0.0, c.wait_left - work_step);
      const double tolerance = 1e-12;
      if (c.delay_left <= tolerance * std::max(1.0, latency_per_block) &&
          c.compute_left <= tolerance * std::max(1.0, compute_per_block) &&
          c.bytes_left <= tolerance * std::max(1.0, bytes_per_block) &&
          c.wait_left <= tolerance * std::max(1.0, seconds_per_block)) {
        freed_sms += c.sms;
        freed_slots = std::max(freed_slots, c.per_sm);
        if (record) keep_span({c.start, now, c.blocks, c.sms, c.per_sm, 1});
      } else {
        next.push_back(c);
      }
    }
    cohorts = std::move(next);
    if (pending > 0 && freed_sms > 0) {
      // The freed SMs take new blocks; SMs still busy with other cohorts are left as they are,
      // which keeps cohorts whole (a wave's cohorts finish together in the cases that matter).
      pending -= launch(std::min<uint64_t>(pending, static_cast<uint64_t>(freed_sms) * freed_slots),
                        freed_sms, freed_slots, false);
    }
  }
  if (record && result.samples.size() < kMaxRecordedSpans) result.samples.push_back({now, 0, 0});
  result.makespan_s = now;
  result.average_resident_blocks = now > 0 ? resident_time / now : 0;
  return result;
}

}  // namespace cascade::arch::gpu
