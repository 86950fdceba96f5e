#include "plots/OpCountChart.h"

#include <gnuplot-iostream.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "plots/GnuplotSupport.h"

namespace cascade::plots {

void plot_op_counts(const config::WorkloadReport& report, const std::string& png_path) {
  // Columns: one per kind of operation present anywhere in the cascade, in the report's order.
  std::vector<std::string> kinds;
  for (const auto& o : report.total_ops()) kinds.push_back(o.kind());
  if (kinds.empty()) throw std::runtime_error("the cascade has no operations to plot");

  // Bars of one Einsum stand side by side (only the kinds it has), groups separated by a gap; the
  // Einsum's name labels the middle of its group.
  constexpr double kBarWidth = 0.8, kGap = 1.0;
  std::vector<std::vector<std::pair<double, double>>> bars(kinds.size());
  std::string xtics;
  double x = 0;
  for (const auto& e : report.einsum()) {
    const double start = x;
    for (const auto& o : e.ops()) {
      const auto k = static_cast<size_t>(std::find(kinds.begin(), kinds.end(), o.kind()) - kinds.begin());
      bars[k].emplace_back(x, static_cast<double>(o.count()));
      x += kBarWidth;
    }
    if (x == start) x += kBarWidth;  // an Einsum without operations (a reshape) keeps its slot
    xtics += (xtics.empty() ? "" : ", ") + quoted(e.name()) + " " +
             std::to_string((start + x - kBarWidth) / 2);
    x += kGap;
  }

  require_gnuplot();
  std::filesystem::remove(png_path);
  {
    const IgnoreSigpipe ignore_sigpipe;
    Gnuplot gp("gnuplot");
    gp << "set terminal pngcairo size 1200,700 noenhanced font 'sans,10'\n";
    gp << "set output " << quoted(png_path) << "\n";
    gp << "set title " << quoted("Operations per Einsum: " + report.name()) << "\n";
    gp << "set style fill solid 0.8 border -1\nset boxwidth " << kBarWidth * 0.9 << "\n";
    gp << "set logscale y\nset yrange [1:*]\nset xrange [" << -kBarWidth << ":" << x << "]\n";
    gp << "set ylabel 'operations (log scale)'\nset xtics rotate by -30 (" << xtics << ")\n";
    gp << "set key outside right\nset grid ytics\n";
    gp << "plot ";
    for (size_t k = 0; k < kinds.size(); ++k)
      gp << (k ? ", " : "") << "'-' using 1:2 with boxes title " << quoted(kinds[k]);
    gp << "\n";
    for (const auto& series : bars) gp.send1d(series);
  }
  require_plot_written(png_path);
}

}  // namespace cascade::plots
