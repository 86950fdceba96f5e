#pragma once

#include <string>
#include <vector>

namespace cascade::plots {

struct ScatterSeries {
  std::string title;
  std::vector<double> x, y;
};

// Predicted against measured on log-log axes with the y = x diagonal, written as PNG and SVG
// (`path_stem`.png, `path_stem`.svg). Throws std::runtime_error if gnuplot is missing or fails.
void plot_predicted_vs_measured(const std::string& title, const std::string& unit,
                                const std::vector<ScatterSeries>& series, const std::string& path_stem);

}  // namespace cascade::plots
