#pragma once

#include <string>
#include <vector>

#include "plots/ScatterPlot.h"

namespace cascade::plots {

// Every point of a sweep by two objectives, the Pareto front drawn over them as a line through its
// points, written as PNG and SVG (`path_stem`.png, `path_stem`.svg). With `log`, log axes (points
// with a coordinate <= 0 left out). Throws std::runtime_error if gnuplot is missing or fails.
void plot_pareto_front(const std::string& title, const std::string& x_label, const std::string& y_label,
                       const ScatterSeries& all, const ScatterSeries& front, bool log, const std::string& path_stem);

// A metric along one axis of a sweep, the other axes fixed: one line per series (an architecture
// or workload), PNG and SVG.
void plot_metric_along_axis(const std::string& title, const std::string& x_label, const std::string& y_label,
                            const std::vector<ScatterSeries>& series, bool log, const std::string& path_stem);

}  // namespace cascade::plots
