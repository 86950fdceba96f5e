#pragma once

#include <string>
#include <utility>
#include <vector>

#include "arch/gpu/GpuModel.h"
#include "sim/result/Timeline.h"

namespace cascade::arch::gpu {

// Places kernel launches on a timeline (its ticks nanoseconds), as a profiler shows them: each
// launch an interval on a kernel track (launches placed so that they overlap go to further kernel
// tracks, one under the other), and its blocks' cohorts (estimated with record_schedule)
// on SM-group tracks, each cohort on the first group track free at its start (a group: the SMs a
// cohort holds, `per_sm` blocks each); a fast-forwarded stretch of waves is one interval with its
// repeat count. Counters: the GPU's resident blocks and the memory rate the model gives them.
class GpuTimelineBuilder {
 public:
  // Tracks are named "<prefix>kernels" ("<prefix>kernels N" for the N-th), "<prefix>SM group N",
  // and with `waves` false no SM-group tracks or counters are made.
  GpuTimelineBuilder(sim::Timeline& timeline, std::string prefix, bool waves = true);

  // A launch from `start_s` lasting `duration_s` (its device time), its cohorts from `start_s`.
  void add(const std::string& name, double start_s, double duration_s, const GpuModel::Estimate& estimate,
           std::vector<std::pair<std::string, std::string>> args);

  // An interval on the first kernel track free at `start_s` (a kernel the model did not time).
  void add_interval(const std::string& name, const std::string& category, double start_s, double duration_s,
                    std::vector<std::pair<std::string, std::string>> args);

 private:
  sim::Timeline& timeline_;
  std::string prefix_;
  bool waves_;
  std::vector<double> kernel_free_at_, group_free_at_;  // seconds
};

}  // namespace cascade::arch::gpu
