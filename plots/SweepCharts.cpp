#include "plots/SweepCharts.h"

#include <algorithm>
#include <cmath>

#include "plots/Gnuplot.h"

namespace cascade::plots {
namespace {

// The series' drawable points, sorted by x: finite, and positive on log axes.
std::vector<std::vector<double>> drawable(const ScatterSeries& s, bool log) {
  std::vector<std::vector<double>> points;
  for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
    if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]) && (!log || (s.x[i] > 0 && s.y[i] > 0)))
      points.push_back({s.x[i], s.y[i]});
  std::sort(points.begin(), points.end());
  return points;
}

void header(Gnuplot& gp, const char* terminal, const std::string& path_stem, const std::string& title,
            const std::string& x_label, const std::string& y_label, bool log) {
  auto& s = gp.script();
  s << (std::string(terminal) == "png" ? "set terminal pngcairo size 1000,700 noenhanced font 'sans,10'\n"
                                       : "set terminal svg size 1000,700 noenhanced font 'sans,10'\n");
  s << "set output " << gp.output(path_stem + "." + terminal) << "\n";
  s << "set title " << Gnuplot::text(title) << "\nset grid\nset key outside right top\n";
  s << "set xlabel " << Gnuplot::text(x_label) << "\nset ylabel " << Gnuplot::text(y_label) << "\n";
  if (log) s << "set logscale xy\n";
}

}  // namespace

void plot_pareto_front(const std::string& title, const std::string& x_label, const std::string& y_label,
                       const ScatterSeries& all, const ScatterSeries& front, bool log, const std::string& path_stem) {
  const auto all_points = drawable(all, log), front_points = drawable(front, log);
  Gnuplot gp;
  const std::string all_file = all_points.empty() ? "" : gp.data(all_points);
  const std::string front_file = front_points.empty() ? "" : gp.data(front_points);
  for (const char* terminal : {"png", "svg"}) {
    header(gp, terminal, path_stem, title, x_label, y_label, log);
    auto& s = gp.script();
    if (all_file.empty()) {
      s << "set xrange [1:10]\nset yrange [1:10]\nplot NaN title 'no point to show'\n";
      continue;
    }
    s << "plot " << all_file << " using 1:2 with points pt 7 ps 0.5 lc rgb '#9a9a9a' title "
      << Gnuplot::text(all.title);
    if (!front_file.empty())
      s << ", " << front_file << " using 1:2 with linespoints pt 7 ps 1.0 lw 2 lc rgb '#d62728' title "
        << Gnuplot::text(front.title);
    s << "\n";
  }
  gp.run();
}

void plot_metric_along_axis(const std::string& title, const std::string& x_label, const std::string& y_label,
                            const std::vector<ScatterSeries>& series, bool log, const std::string& path_stem) {
  Gnuplot gp;
  std::vector<std::string> files;
  for (const auto& s : series) {
    const auto points = drawable(s, log);
    files.push_back(points.empty() ? "" : gp.data(points));
  }
  const bool any = std::any_of(files.begin(), files.end(), [](const std::string& f) { return !f.empty(); });
  for (const char* terminal : {"png", "svg"}) {
    header(gp, terminal, path_stem, title, x_label, y_label, log);
    auto& s = gp.script();
    if (!any) {
      s << "set xrange [1:10]\nset yrange [1:10]\nplot NaN title 'no point to show'\n";
      continue;
    }
    s << "plot ";
    bool first = true;
    for (size_t i = 0; i < series.size(); ++i) {
      if (files[i].empty()) continue;
      s << (first ? "" : ", ") << files[i] << " using 1:2 with linespoints pt 7 lw 2 title "
        << Gnuplot::text(series[i].title);
      first = false;
    }
    s << "\n";
  }
  gp.run();
}

}  // namespace cascade::plots
