#include "plots/ScatterPlot.h"

#include <cmath>

#include "plots/Gnuplot.h"

namespace cascade::plots {

void plot_predicted_vs_measured(const std::string& title, const std::string& unit,
                                const std::vector<ScatterSeries>& series, const std::string& path_stem) {
  // Log-log axes show positive values only: a point with a zero, negative or non-finite
  // coordinate is left out (the table beside the chart lists every point).
  std::vector<std::vector<std::vector<double>>> points(series.size());
  size_t shown = 0;
  for (size_t i = 0; i < series.size(); ++i)
    for (size_t p = 0; p < series[i].x.size() && p < series[i].y.size(); ++p) {
      const double x = series[i].x[p], y = series[i].y[p];
      if (std::isfinite(x) && std::isfinite(y) && x > 0 && y > 0) {
        points[i].push_back({x, y});
        ++shown;
      }
    }
  Gnuplot gp;
  std::vector<std::string> files(series.size());
  for (size_t i = 0; i < series.size(); ++i)
    if (!points[i].empty()) files[i] = gp.data(points[i]);
  auto& s = gp.script();
  for (const char* terminal : {"png", "svg"}) {
    s << (std::string(terminal) == "png" ? "set terminal pngcairo size 900,800 noenhanced font 'sans,10'\n"
                                         : "set terminal svg size 900,800 noenhanced font 'sans,10'\n");
    s << "set output " << gp.output(path_stem + "." + terminal) << "\n";
    s << "set title " << Gnuplot::text(title) << "\n";
    s << "set logscale xy\nset grid\nset key top left\nset size square\n";
    s << "set xlabel " << Gnuplot::text("measured (" + unit + ")") << "\n";
    s << "set ylabel " << Gnuplot::text("predicted (" + unit + ")") << "\n";
    if (shown == 0) s << "set xrange [1:10]\nset yrange [1:10]\n";  // nothing to scale the axes by
    s << "plot x title 'predicted = measured' lc rgb 'gray'";
    for (size_t i = 0; i < series.size(); ++i)
      if (!files[i].empty())
        s << ", " << files[i] << " using 1:2 with points pt 7 ps 0.8 title " << Gnuplot::text(series[i].title);
    s << "\n";
  }
  gp.run();
}

}  // namespace cascade::plots
