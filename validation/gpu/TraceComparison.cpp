#include "validation/gpu/TraceComparison.h"

#include <algorithm>
#include <optional>

#include "arch/gpu/GpuTimeline.h"
#include "base/Format.h"
#include "base/InputError.h"
#include "validation/gpu/KinetoOperators.h"
#include "validation/gpu/TraceImport.h"

namespace cascade::validation {

TraceComparison compare_kineto_trace(const arch::gpu::GpuModel& model, const std::string& path) {
  const ImportResult imported = import_kineto_json(path);
  std::vector<const config::MeasuredRun*> runs;
  for (const auto& run : imported.traces.run()) runs.push_back(&run);
  // In launch order: by start, where the trace gives one (file order otherwise).
  std::stable_sort(runs.begin(), runs.end(),
                   [](const auto* a, const auto* b) { return a->start_s() < b->start_s(); });
  TraceComparison c;
  arch::gpu::GpuTimelineBuilder measured(c.timeline, "measured ", false);
  arch::gpu::GpuTimelineBuilder predicted(c.timeline, "predicted ");
  const bool timed = !runs.empty() && runs.back()->start_s() > 0;
  const double origin = timed ? runs.front()->start_s() : 0;
  double next = 0;  // where a kernel goes in a trace without start times: after the one before
  for (const config::MeasuredRun* run : runs) {
    const double start = timed ? run->start_s() - origin : next;
    const double measured_s = run->duration_s();
    next = start + measured_s;
    ++c.kernels;
    const std::string measured_us = base::format("%.6g", measured_s * 1e6);
    measured.add_interval(run->name(), "measured", start, measured_s,
                          {{"operator", run->operator_name()}, {"measured_us", measured_us}});
    std::string why;
    const auto traced = describe_traced_kernel(*run, why);
    std::optional<arch::gpu::GpuModel::Estimate> estimate;
    if (traced) {
      try {
        estimate = model.estimate(traced->describe(model), true);
      } catch (const base::InputError& e) {
        why = e.message();
      }
    }
    if (!estimate) {
      predicted.add_interval("(not described) " + run->name(), "not_described", start, measured_s,
                             {{"operator", run->operator_name()}, {"why", why}, {"measured_us", measured_us}});
      continue;
    }
    ++c.described;
    const double predicted_s = estimate->timing.in_pass_s;
    c.measured_s += measured_s;
    c.predicted_s += predicted_s;
    predicted.add(run->name(), start, predicted_s, *estimate,
                  {{"operator", run->operator_name()},
                   {"class", traced->kind},
                   {"measured_us", measured_us},
                   {"predicted_us", base::format("%.6g", predicted_s * 1e6)},
                   {"ratio", base::format("%.3f", predicted_s / measured_s)}});
  }
  return c;
}

}  // namespace cascade::validation
