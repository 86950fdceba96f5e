#include "sim/result/Timeline.h"

namespace cascade::sim {

void Timeline::add_track(const std::string& track) {
  if (named_.insert(track).second) tracks_.push_back(track);
}

void Timeline::add(TimelineInterval interval) {
  if (intervals_.size() >= max_intervals_) {
    ++dropped_;
    return;
  }
  add_track(interval.track);
  intervals_.push_back(std::move(interval));
}

void Timeline::add_counter(const std::string& name, double time, double value) {
  if (counters_.size() >= max_intervals_) {
    ++dropped_;
    return;
  }
  counters_.push_back({name, time, value});
}

}  // namespace cascade::sim
