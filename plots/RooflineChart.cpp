#include "plots/RooflineChart.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "plots/Gnuplot.h"

namespace cascade::plots {

void plot_roofline(const std::string& title, const sim::Roofline& roofline, const std::string& path_stem) {
  const double bandwidth = roofline.memory_bytes_per_second;
  std::map<std::string, std::vector<std::vector<double>>> by_kind;
  std::vector<std::pair<std::string, std::vector<double>>> labelled;
  size_t left_out = 0;
  double lo = INFINITY, hi = 0;
  for (const auto& p : roofline.points) {
    const double intensity = p.ops / p.bytes, rate = p.ops / p.seconds;
    if (!(p.ops > 0 && p.bytes > 0 && p.seconds > 0) || !std::isfinite(intensity) || !std::isfinite(rate)) {
      ++left_out;
      continue;
    }
    by_kind[p.kind].push_back({intensity, rate});
    labelled.push_back({p.name, {intensity, rate}});
    lo = std::min(lo, intensity);
    hi = std::max(hi, intensity);
  }
  // The axis spans the points and every roof's ridge (where the memory roof meets it).
  for (const auto& [name, peak] : roofline.compute_roofs)
    if (peak > 0 && bandwidth > 0) {
      lo = std::min(lo, peak / bandwidth);
      hi = std::max(hi, peak / bandwidth);
    }
  if (!(lo > 0 && hi > 0 && std::isfinite(lo))) lo = 0.1, hi = 10;
  Gnuplot gp;
  std::map<std::string, std::string> files;
  for (const auto& [kind, rows] : by_kind) files[kind] = gp.data(rows);
  const std::string unit = roofline.ops_unit.empty() ? "op" : roofline.ops_unit;
  auto& s = gp.script();
  for (const char* terminal : {"png", "svg"}) {
    s << (std::string(terminal) == "png" ? "set terminal pngcairo size 1000,700 noenhanced font 'sans,10'\n"
                                         : "set terminal svg size 1000,700 noenhanced font 'sans,10'\n");
    s << "set output " << gp.output(path_stem + "." + terminal) << "\n";
    s << "set title "
      << Gnuplot::text(title + (left_out ? " (" + std::to_string(left_out) + " without " + roofline.memory_level + " traffic or work left out)"
                                         : std::string()))
      << "\n";
    s << "set logscale xy\nset grid\nset key bottom right\nset samples 400\n";
    s << "set xrange [" << lo / 4 << ":" << hi * 4 << "]\n";
    s << "set xlabel " << Gnuplot::text("operational intensity (" + unit + "s per " + roofline.memory_level + " byte)") << "\n";
    s << "set ylabel " << Gnuplot::text("achieved (" + unit + "s per second)") << "\n";
    s << "unset label\n";
    if (labelled.size() <= 40)
      for (const auto& [name, at] : labelled)
        s << "set label " << Gnuplot::text(name) << " at " << at[0] << "," << at[1]
          << " offset 0.6,0.4 font 'sans,8'\n";
    s << "plot ";
    bool first = true;
    for (const auto& [name, peak] : roofline.compute_roofs) {
      if (!(peak > 0)) continue;
      s << (first ? "" : ", ");
      first = false;
      if (bandwidth > 0)
        s << "(x * " << bandwidth << " < " << peak << " ? x * " << bandwidth << " : " << peak << ")";
      else
        s << peak;
      s << " title " << Gnuplot::text(name) << " with lines lw 2";
    }
    for (const auto& [kind, file] : files) {
      s << (first ? "" : ", ") << file << " using 1:2 with points pt 7 ps 1.2 title " << Gnuplot::text(kind);
      first = false;
    }
    if (first) s << "1 notitle";  // nothing to draw: an empty frame
    s << "\n";
  }
  gp.run();
}

}  // namespace cascade::plots
