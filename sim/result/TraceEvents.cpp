#include "sim/result/TraceEvents.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>

#include "base/Json.h"

namespace cascade::sim {
namespace {

// ASCII only, so that the file is valid UTF-8 whatever bytes a name holds.
void put_string(std::string& out, std::string s) {
  for (char& c : s)
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  base::append_json_string(out, s);
}

// Microseconds to a picosecond, whatever the run's length: the same text on every machine.
void put_micros(std::string& out, double ticks, double ticks_per_second) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.6f", ticks / ticks_per_second * 1e6);
  out += buffer;
}

void put_args(std::string& out, const std::vector<std::pair<std::string, std::string>>& args) {
  out += "{";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ",";
    put_string(out, args[i].first);
    out += ":";
    put_string(out, args[i].second);
  }
  out += "}";
}

}  // namespace

std::string trace_event_json(const Timeline& timeline, const std::string& title,
                             const std::vector<std::pair<std::string, std::string>>& metadata) {
  const double tps = timeline.ticks_per_second > 0 ? timeline.ticks_per_second : 1e9;
  std::map<std::string, size_t> tid;
  for (const auto& track : timeline.tracks()) tid.emplace(track, tid.size() + 1);
  std::string out = "{\"traceEvents\":[\n";
  out += "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":";
  put_string(out, title);
  out += "}}";
  for (const auto& track : timeline.tracks()) {
    const std::string id = std::to_string(tid.at(track));
    out += ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + id + ",\"args\":{\"name\":";
    put_string(out, track);
    out += "}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":" + id +
           ",\"args\":{\"sort_index\":" + id + "}}";
  }
  // Track by track, each in time order (ties keep the order they were added in).
  const auto& intervals = timeline.intervals();
  std::vector<size_t> order(intervals.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const size_t ta = tid.at(intervals[a].track), tb = tid.at(intervals[b].track);
    return ta != tb ? ta < tb : intervals[a].start < intervals[b].start;
  });
  for (const size_t i : order) {
    const TimelineInterval& e = intervals[i];
    out += ",\n{\"name\":";
    put_string(out, e.name);
    out += ",\"cat\":";
    put_string(out, e.category);
    out += ",\"ph\":\"X\",\"ts\":";
    put_micros(out, e.start, tps);
    out += ",\"dur\":";
    put_micros(out, e.duration, tps);
    out += ",\"pid\":1,\"tid\":" + std::to_string(tid.at(e.track)) + ",\"args\":";
    put_args(out, e.args);
    out += "}";
  }
  for (const TimelineCounter& c : timeline.counters()) {
    out += ",\n{\"name\":";
    put_string(out, c.name);
    out += ",\"ph\":\"C\",\"ts\":";
    put_micros(out, c.time, tps);
    char value[40];
    std::snprintf(value, sizeof value, "%.9g", c.value);
    out += ",\"pid\":1,\"tid\":0,\"args\":{\"value\":" + std::string(value) + "}}";
  }
  out += "\n],\"displayTimeUnit\":\"ns\",\"otherData\":";
  std::vector<std::pair<std::string, std::string>> other = metadata;
  other.emplace_back("ticks_per_second", std::to_string(tps));
  if (timeline.dropped() > 0)
    other.emplace_back("dropped", std::to_string(timeline.dropped()) +
                                      " intervals and counter samples beyond the timeline's bounds");
  put_args(out, other);
  out += "}\n";
  return out;
}

}  // namespace cascade::sim
