#include "plots/OpCountChart.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "plots/Gnuplot.h"

namespace cascade::plots {

void plot_op_counts(const config::WorkloadReport& report, const std::string& png_path) {
  // Columns: one per kind of operation present anywhere in the cascade, in the report's order.
  std::vector<std::string> kinds;
  for (const auto& o : report.total_ops()) kinds.push_back(o.kind());
  if (kinds.empty()) throw std::runtime_error("the cascade has no operations to plot");

  // Bars of one Einsum stand side by side (only the kinds it has), groups separated by a gap; the
  // Einsum's name labels the middle of its group.
  constexpr double kBarWidth = 0.8, kGap = 1.0;
  std::vector<std::vector<std::vector<double>>> bars(kinds.size());
  std::string xtics;
  double x = 0;
  for (const auto& e : report.einsum()) {
    const double start = x;
    for (const auto& o : e.ops()) {
      const auto k = static_cast<size_t>(std::find(kinds.begin(), kinds.end(), o.kind()) - kinds.begin());
      bars[k].push_back({x, static_cast<double>(o.count())});
      x += kBarWidth;
    }
    if (x == start) x += kBarWidth;  // an Einsum without operations (a reshape) keeps its slot
    xtics += (xtics.empty() ? "" : ", ") + Gnuplot::text(e.name()) + " " +
             std::to_string((start + x - kBarWidth) / 2);
    x += kGap;
  }

  Gnuplot gp;
  auto& s = gp.script();
  s << "set terminal pngcairo size 1200,700 noenhanced font 'sans,10'\n";
  s << "set output " << gp.output(png_path) << "\n";
  s << "set title " << Gnuplot::text("Operations per Einsum: " + report.name()) << "\n";
  s << "set style fill solid 0.8 border -1\nset boxwidth " << kBarWidth * 0.9 << "\n";
  s << "set logscale y\nset yrange [1:*]\nset xrange [" << -kBarWidth << ":" << x << "]\n";
  s << "set ylabel 'operations (log scale)'\nset xtics rotate by -30 (" << xtics << ")\n";
  s << "set key outside right\nset grid ytics\n";
  s << "plot ";
  for (size_t k = 0; k < kinds.size(); ++k)
    s << (k ? ", " : "") << gp.data(bars[k]) << " using 1:2 with boxes title " << Gnuplot::text(kinds[k]);
  s << "\n";
  gp.run();
}

}  // namespace cascade::plots
