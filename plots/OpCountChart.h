#pragma once

#include <string>

#include "configs/workload_report.pb.h"

namespace cascade::plots {

// A bar chart (PNG) of the operation counts of each Einsum of a cascade, one bar per kind of
// operation, on a logarithmic axis so a 2^24 exponent count shows beside a 2^30 MAC count.
// Throws std::runtime_error if gnuplot fails or writes no file.
void plot_op_counts(const config::WorkloadReport& report, const std::string& png_path);

}  // namespace cascade::plots
