#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "arch/gpu/GpuModel.h"
#include "validation/gpu/TraceImport.h"
#include "validation/gpu/TraceTable.h"

namespace cascade::validation {

// One measured kernel beside what the GPU model predicts for it.
struct KernelComparison {
  std::string name, kind, source;
  double measured_s = 0, predicted_s = 0;
  double measured_j = 0, predicted_j = 0;  // per launch; 0 when not measured
};

// A measured kernel and how to describe it to a model (a GEMM's tiles depend on the model).
struct MeasuredCase {
  std::string name, kind, source;
  std::string file;  // the trace, and the line of its row or event (errors point there)
  int line = 0;
  double measured_s = 0, measured_j = 0;
  // The energy window's time per launch (launches back to back, so without the launch latency a
  // single timed launch includes); 0 where no energy was measured.
  double measured_period_s = 0;
  // A profiler's kernel duration (Kineto) is the time on the GPU alone, of a kernel in a pass (after
  // a different kernel): compared with the model's device time in a pass, without the launch and
  // host-side overheads that CUDA events around a launch include.
  bool device_time_only = false;
  // Identical launches a trace holds (one case, its median duration); a whole pass counts each, at
  // the sum of their measured durations (measured_total_s; 0: measured_s each).
  uint32_t launches = 1;
  double measured_total_s = 0;
  // The whole this kernel is one of, whose kernels' times are summed (a Kineto trace's pass, the
  // harness's NeRF step at one ray count); empty for none.
  std::string pass;
  std::function<config::Kernel(const arch::gpu::GpuModel&)> describe;
  // Where the measurement covers a call of several launches (events around a cuBLAS call that
  // splits K: the GEMM, then the reduction of its slices): all of them, in order, the first being
  // describe's; unset for a single launch.
  std::function<std::vector<config::Kernel>(const arch::gpu::GpuModel&)> describe_call;
};

// The launches a case's measurement covers, as `model` describes them (describe_call's, or
// describe's one).
std::vector<config::Kernel> launches_of(const MeasuredCase& c, const arch::gpu::GpuModel& model);

// A profiler trace's kernel time: all of its kernels' durations, and those of the kernels the
// model describes (the share it predicts).
struct TraceCoverage {
  double described_s = 0, all_s = 0;
};

// Kernels of at least 50 us: what a launch's fixed costs (the GPU's, a library's) do not dominate,
// the accuracy a design study of whole layers rests on.
inline constexpr double kLongKernelSeconds = 50e-6;

struct ValidationReport {
  std::vector<KernelComparison> kernels;
  std::vector<std::string> skipped;  // what could not be described, and why
  // Mean absolute percentage error of runtime per class and overall (key "all").
  std::map<std::string, double> runtime_mape, energy_mape;
  // The same over the kernels measured at kLongKernelSeconds or more.
  std::map<std::string, double> long_runtime_mape, long_energy_mape;
  // Per whole (MeasuredCase.pass: a Kineto trace file, a NeRF step): predicted against measured,
  // the sums of its kernels' times.
  std::map<std::string, std::pair<double, double>> passes;
  // Per Kineto trace file: the share of its kernel time the model describes.
  std::map<std::string, TraceCoverage> coverage;
  // Per whole: its kernels' runtime MAPE and how many kernels (distinct launches).
  std::map<std::string, std::pair<double, int>> pass_kernel_mape;
};

// Reads the traces into cases: the harness's CSVs (kernels.csv: STREAM, FMA, cuBLAS GEMMs;
// neural.csv: hash-grid encoding, fused MLPs, attention from torch) and Kineto chrome-trace JSON
// (each kernel described from the operator that launched it: addmm as a GEMM, attention as a flash
// kernel, add and layer norm as element-wise passes). `skipped` gets what cannot be described.
// A file that yields no measured kernel at all (empty, only a header, only other classes) is an
// InputError naming it, as is a row whose numbers are not what its columns mean.
std::vector<MeasuredCase> load_measured_cases(const std::vector<std::string>& trace_files,
                                              std::vector<std::string>& skipped,
                                              std::map<std::string, TraceCoverage>* coverage = nullptr);

// The cases of one harness table (kernels.csv or neural.csv rows), or of one imported Kineto trace
// (`file` names the pass its kernels are summed in), appended to `cases`.
void cases_from_table(const TraceTable& table, std::vector<MeasuredCase>& cases);
void cases_from_kineto(const ImportResult& imported, const std::string& file, std::vector<MeasuredCase>& cases,
                       std::vector<std::string>& skipped, TraceCoverage* coverage = nullptr);

// The model on the cases (all, or those at `indices`), with MAPE per class. A case the model
// refuses (a launch no SM can hold) is an InputError at the case's file and line.
ValidationReport compare_with_model(const arch::gpu::GpuModel& model,
                                    const std::vector<MeasuredCase>& cases,
                                    const std::vector<size_t>* indices = nullptr);

// Compares the model with traces: the harness's CSVs (kernels.csv: STREAM, FMA, cuBLAS GEMMs;
// neural.csv: hash-grid encoding, fused MLPs, attention from torch) and Kineto chrome-trace JSON
// (each kernel described from the operator that launched it: addmm as a GEMM, attention as a flash
// kernel, add and layer norm as element-wise passes).
ValidationReport validate_gpu_model(const arch::gpu::GpuModel& model,
                                    const std::vector<std::string>& trace_files);

// The report as a table with MAPE per class, and the whole passes.
std::string format_validation(const ValidationReport& report);

}  // namespace cascade::validation
