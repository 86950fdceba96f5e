#include "plots/GroupedBarChart.h"

#include <cmath>
#include <stdexcept>

#include "plots/Gnuplot.h"

namespace cascade::plots {

void plot_grouped_bars(const std::string& title, const std::string& ylabel,
                       const std::vector<std::string>& groups, const std::vector<BarSeries>& series,
                       const std::string& png_path) {
  // One data file, a row per group and a column per series; the groups' labels as tics at the
  // clusters' positions (0, 1, ...), never through the data.
  std::vector<std::vector<double>> rows(groups.size());
  for (const auto& s : series) {
    if (s.values.size() != groups.size())
      throw std::invalid_argument("plot_grouped_bars: series '" + s.title + "' has " +
                                  std::to_string(s.values.size()) + " values for " +
                                  std::to_string(groups.size()) + " groups");
    for (size_t g = 0; g < groups.size(); ++g) rows[g].push_back(s.values[g]);
  }
  std::string xtics;
  for (size_t g = 0; g < groups.size(); ++g)
    xtics += (g ? ", " : "") + Gnuplot::text(groups[g]) + " " + std::to_string(g);

  Gnuplot gp;
  auto& s = gp.script();
  s << "set terminal pngcairo size 1400,600 noenhanced font 'sans,10'\n";
  s << "set output " << gp.output(png_path) << "\n";
  s << "set title " << Gnuplot::text(title) << "\nset ylabel " << Gnuplot::text(ylabel) << "\n";
  s << "set style data histograms\nset style histogram clustered gap 1\n";
  s << "set style fill solid 0.8 border -1\nset yrange [0:*]\nset grid ytics\n";
  s << "set xtics rotate by -45 (" << xtics << ")\nset key top left\n";
  const std::string data = gp.data(rows);
  s << "plot ";
  for (size_t i = 0; i < series.size(); ++i)
    s << (i ? ", " : "") << data << " using " << i + 1 << " title " << Gnuplot::text(series[i].title);
  s << "\n";
  gp.run();
}

}  // namespace cascade::plots
