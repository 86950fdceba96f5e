#include "arch/gpu/GpuTimeline.h"

#include "base/Format.h"

namespace cascade::arch::gpu {
namespace {

constexpr double kNanoseconds = 1e9;

// The first of the lanes free by `start_s` (a picosecond's slack for rounding), a new one if none
// is; it is taken until `end_s`.
size_t take_lane(std::vector<double>& free_at, double start_s, double end_s) {
  size_t lane = 0;
  while (lane < free_at.size() && free_at[lane] > start_s + 1e-12) ++lane;
  if (lane == free_at.size()) free_at.push_back(0);
  free_at[lane] = end_s;
  return lane;
}

}  // namespace

GpuTimelineBuilder::GpuTimelineBuilder(sim::Timeline& timeline, std::string prefix, bool waves)
    : timeline_(timeline), prefix_(std::move(prefix)), waves_(waves) {
  timeline_.ticks_per_second = kNanoseconds;
  timeline_.add_track(prefix_ + "kernels");
}

void GpuTimelineBuilder::add_interval(const std::string& name, const std::string& category, double start_s,
                                      double duration_s, std::vector<std::pair<std::string, std::string>> args) {
  const size_t lane = take_lane(kernel_free_at_, start_s, start_s + duration_s);
  timeline_.add({prefix_ + "kernels" + (lane ? " " + std::to_string(lane + 1) : std::string()), name, category,
                 start_s * kNanoseconds, duration_s * kNanoseconds, std::move(args)});
}

void GpuTimelineBuilder::add(const std::string& name, double start_s, double duration_s,
                             const GpuModel::Estimate& estimate,
                             std::vector<std::pair<std::string, std::string>> args) {
  const KernelTiming& t = estimate.timing;
  args.insert(args.end(), {{"blocks", std::to_string(t.blocks)},
                           {"threads_per_block", std::to_string(t.threads_per_block)},
                           {"blocks_per_sm", std::to_string(t.blocks_per_sm)},
                           {"waves", std::to_string(t.waves)},
                           {"achieved_occupancy", base::format("%.4g", t.achieved_occupancy)},
                           {"device_us", base::format("%.6g", duration_s * 1e6)}});
  if (t.spans_dropped > 0) args.emplace_back("waves_not_shown", std::to_string(t.spans_dropped));
  add_interval(name, "kernel", start_s, duration_s, std::move(args));
  if (!waves_) return;
  for (const CohortSpan& span : t.spans) {
    const double begin = start_s + span.start_s, end = start_s + span.end_s;
    const size_t group = take_lane(group_free_at_, begin, end);
    const bool repeated = span.repeats > 1;
    std::vector<std::pair<std::string, std::string>> span_args = {
        {"kernel", name}, {"blocks", std::to_string(span.blocks)}, {"sms", std::to_string(span.sms)},
        {"blocks_per_sm", std::to_string(span.per_sm)}};
    if (repeated) span_args.emplace_back("repeats", std::to_string(span.repeats));
    timeline_.add({prefix_ + "SM group " + std::to_string(group + 1),
                   repeated ? name + " (fast-forward: " + std::to_string(span.repeats) + " periods)" : name,
                   repeated ? "fast_forward" : "wave", begin * kNanoseconds, (end - begin) * kNanoseconds,
                   std::move(span_args)});
  }
  for (const ScheduleSample& s : t.samples) {
    const double at = (start_s + s.time_s) * kNanoseconds;
    timeline_.add_counter(prefix_ + "resident blocks", at, static_cast<double>(s.resident_blocks));
    timeline_.add_counter(prefix_ + "memory rate (GB/s)", at, s.memory_bytes_per_s * 1e-9);
  }
}

}  // namespace cascade::arch::gpu
