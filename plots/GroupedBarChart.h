#pragma once

#include <string>
#include <vector>

namespace cascade::plots {

struct BarSeries {
  std::string title;
  std::vector<double> values;  // one per group
};

// A clustered bar chart (PNG): one cluster per group label, one bar per series. Throws
// std::runtime_error if gnuplot is missing or writes no file.
void plot_grouped_bars(const std::string& title, const std::string& ylabel,
                       const std::vector<std::string>& groups, const std::vector<BarSeries>& series,
                       const std::string& png_path);

}  // namespace cascade::plots
