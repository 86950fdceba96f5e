#include "plots/GroupedBarChart.h"

#include <gnuplot-iostream.h>

#include <filesystem>
#include <tuple>

#include "plots/GnuplotSupport.h"

namespace cascade::plots {

void plot_grouped_bars(const std::string& title, const std::string& ylabel,
                       const std::vector<std::string>& groups, const std::vector<BarSeries>& series,
                       const std::string& png_path) {
  require_gnuplot();
  std::filesystem::remove(png_path);
  {
    const IgnoreSigpipe ignore_sigpipe;
    Gnuplot gp("gnuplot");
    gp << "set terminal pngcairo size 1400,600 noenhanced font 'sans,10'\n";
    gp << "set output " << quoted(png_path) << "\n";
    gp << "set title " << quoted(title) << "\nset ylabel " << quoted(ylabel) << "\n";
    gp << "set style data histograms\nset style histogram clustered gap 1\n";
    gp << "set style fill solid 0.8 border -1\nset yrange [0:*]\nset grid ytics\n";
    gp << "set xtics rotate by -45\nset key top left\n";
    gp << "plot ";
    for (size_t s = 0; s < series.size(); ++s)
      gp << (s ? ", " : "") << "'-' using 2:xtic(1) title " << quoted(series[s].title);
    gp << "\n";
    for (const auto& s : series) {
      std::vector<std::tuple<std::string, double>> rows;
      for (size_t g = 0; g < groups.size(); ++g) rows.emplace_back(groups[g], s.values.at(g));
      gp.send1d(rows);
    }
  }
  require_plot_written(png_path);
}

}  // namespace cascade::plots
