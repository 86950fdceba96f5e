#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace cascade::sim {

// What a run did over time, to be seen rather than read: intervals on named tracks (a unit of a
// spatial array, an SM group, the kernels) and counters sampled over time (bandwidth, occupancy).
// Times are in ticks of `ticks_per_second` (a spatial model's clock cycles, the GPU's
// nanoseconds), exact where the model is. TraceEvents.h writes it as a Chrome trace / Perfetto
// JSON.
struct TimelineInterval {
  std::string track;
  std::string name;      // what ran: a task, an Einsum group, a kernel, "stalled", "idle", ...
  std::string category;  // "busy", "stalled", "idle", "fast_forward", "phase", "kernel", "wave", ...
  double start = 0, duration = 0;  // ticks
  std::vector<std::pair<std::string, std::string>> args;  // shown beside the interval
};

struct TimelineCounter {
  std::string name;
  double time = 0;  // ticks
  double value = 0;
};

class Timeline {
 public:
  // Beyond this many intervals (a cycle run without fast-forward over a long workload) the rest
  // are dropped and the timeline says so: memory stays bounded (about 200 bytes an interval).
  static constexpr size_t kMaxIntervals = 2'000'000;

  // At most `max_intervals` intervals and as many counter samples.
  explicit Timeline(size_t max_intervals = kMaxIntervals) : max_intervals_(max_intervals) {}

  double ticks_per_second = 1e9;

  // Tracks appear in the order they are first named (add_track or an interval on them).
  void add_track(const std::string& track);
  void add(TimelineInterval interval);
  void add_counter(const std::string& name, double time, double value);

  const std::vector<std::string>& tracks() const { return tracks_; }
  const std::vector<TimelineInterval>& intervals() const { return intervals_; }
  const std::vector<TimelineCounter>& counters() const { return counters_; }
  // Intervals and counter samples dropped at the bounds above.
  uint64_t dropped() const { return dropped_; }

 private:
  size_t max_intervals_;
  std::vector<std::string> tracks_;
  std::unordered_set<std::string> named_;  // tracks_, to look up
  std::vector<TimelineInterval> intervals_;
  std::vector<TimelineCounter> counters_;
  uint64_t dropped_ = 0;
};

}  // namespace cascade::sim
