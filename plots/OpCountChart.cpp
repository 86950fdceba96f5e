#include "plots/OpCountChart.h"

#include <gnuplot-iostream.h>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace cascade::plots {
namespace {

// gnuplot-iostream starts gnuplot through the shell; a missing gnuplot would only show as a broken
// pipe half-way through the plot, so look for it first.
bool gnuplot_on_path() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::filesystem::path candidate =
        std::filesystem::path(dirs.substr(start, end - start)) / "gnuplot";
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Restores the SIGPIPE disposition on scope exit. While plotting, a gnuplot that dies must make
// the write fail (and the plot be reported missing), not kill the process.
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() : previous_(std::signal(SIGPIPE, SIG_IGN)) {}
  ~IgnoreSigpipe() { std::signal(SIGPIPE, previous_); }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;

 private:
  void (*previous_)(int);
};

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

  if (!gnuplot_on_path())
    throw std::runtime_error("gnuplot not found on PATH (Debian package gnuplot-nox)");
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
  if (!std::filesystem::exists(png_path) || std::filesystem::file_size(png_path) == 0)
    throw std::runtime_error("gnuplot wrote no plot to " + png_path);
}

}  // namespace cascade::plots
