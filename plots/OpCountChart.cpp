#include "plots/OpCountChart.h"

#include <gnuplot-iostream.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace cascade::plots {
namespace {

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
  return q + "'";
}

}  // namespace

void plot_op_counts(const config::WorkloadReport& report, const std::string& png_path) {
  // Columns: one per kind of operation present anywhere in the cascade, in the report's order.
  std::vector<std::string> kinds;
  for (const auto& o : report.total_ops()) kinds.push_back(o.kind());
  if (kinds.empty()) throw std::runtime_error("the cascade has no operations to plot");

  std::filesystem::remove(png_path);
  {
    Gnuplot gp("gnuplot");
    gp << "set terminal pngcairo size 1200,700 noenhanced font 'sans,10'\n";
    gp << "set output " << quoted(png_path) << "\n";
    gp << "set title " << quoted("Operations per Einsum: " + report.name()) << "\n";
    gp << "set style data histograms\nset style histogram clustered gap 1\n";
    gp << "set style fill solid 0.8 border -1\nset logscale y\nset yrange [1:*]\n";
    gp << "set ylabel 'operations (log scale)'\nset xtics rotate by -30\nset key outside right\n";
    gp << "set grid ytics\n";
    gp << "plot ";
    for (size_t k = 0; k < kinds.size(); ++k)
      gp << (k ? ", " : "") << "'-' using 2:xtic(1) title " << quoted(kinds[k]);
    gp << "\n";
    for (const auto& kind : kinds) {
      std::vector<std::tuple<std::string, double>> rows;
      for (const auto& e : report.einsum()) {
        double count = 0;
        for (const auto& o : e.ops())
          if (o.kind() == kind) count = static_cast<double>(o.count());
        // Log axis: a kind an Einsum lacks is drawn as no bar (NaN), not as 0.
        rows.emplace_back(e.name(), count > 0 ? count : std::nan(""));
      }
      gp.send1d(rows);
    }
  }
  if (!std::filesystem::exists(png_path) || std::filesystem::file_size(png_path) == 0)
    throw std::runtime_error("gnuplot wrote no plot to " + png_path);
}

}  // namespace cascade::plots
