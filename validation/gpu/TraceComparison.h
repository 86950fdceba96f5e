#pragma once

#include <cstddef>
#include <string>

#include "arch/gpu/GpuModel.h"
#include "sim/result/Timeline.h"

namespace cascade::validation {

// A measured Kineto trace beside the model's prediction of each of its kernels, as one timeline
// (nanosecond ticks from the trace's first kernel): the measured kernels at their traced times on
// "measured kernels"; each predicted kernel starting where its measured one started (aligned
// kernel by kernel) and lasting its predicted device time in a pass, on "predicted kernels"
// (further "predicted kernels N" tracks where a prediction runs past the next kernel's start),
// with its block waves on "predicted SM group N" tracks; a kernel the model cannot describe is on
// the predicted track for its measured time, named "(not described) ..." and in category
// "not_described". Every kernel's arguments give its measured and predicted microseconds.
struct TraceComparison {
  sim::Timeline timeline;
  size_t kernels = 0, described = 0;
  double measured_s = 0;   // the described kernels' measured time
  double predicted_s = 0;  // and their predicted time
};
TraceComparison compare_kineto_trace(const arch::gpu::GpuModel& model, const std::string& path);

}  // namespace cascade::validation
