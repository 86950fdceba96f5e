#include "plots/ScatterPlot.h"

#include <gnuplot-iostream.h>

#include <filesystem>
#include <tuple>

#include "plots/GnuplotSupport.h"

namespace cascade::plots {

void plot_predicted_vs_measured(const std::string& title, const std::string& unit,
                                const std::vector<ScatterSeries>& series, const std::string& path_stem) {
  require_gnuplot();
  for (const char* terminal : {"png", "svg"}) {
    const std::string path = path_stem + "." + terminal;
    std::filesystem::remove(path);
    {
      const IgnoreSigpipe ignore_sigpipe;
      Gnuplot gp("gnuplot");
      gp << (std::string(terminal) == "png" ? "set terminal pngcairo size 900,800 noenhanced font 'sans,10'\n"
                                            : "set terminal svg size 900,800 noenhanced font 'sans,10'\n");
      gp << "set output " << quoted(path) << "\n";
      gp << "set title " << quoted(title) << "\n";
      gp << "set logscale xy\nset grid\nset key top left\nset size square\n";
      gp << "set xlabel " << quoted("measured (" + unit + ")") << "\n";
      gp << "set ylabel " << quoted("predicted (" + unit + ")") << "\n";
      gp << "plot x title 'predicted = measured' lc rgb 'gray'";
      for (const auto& s : series) gp << ", '-' using 1:2 with points pt 7 ps 0.8 title " << quoted(s.title);
      gp << "\n";
      for (const auto& s : series) {
        std::vector<std::tuple<double, double>> points;
        for (size_t i = 0; i < s.x.size(); ++i) points.emplace_back(s.x[i], s.y[i]);
        gp.send1d(points);
      }
    }
    require_plot_written(path);
  }
}

}  // namespace cascade::plots
