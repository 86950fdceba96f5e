#pragma once

#include <csignal>
#include <string>

namespace cascade::plots {

// gnuplot-iostream starts gnuplot through the shell; a missing gnuplot would only show as a broken
// pipe half-way through a plot, so look for it first. Throws std::runtime_error if it is missing.
void require_gnuplot();

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

// A string as a gnuplot single-quoted literal.
std::string quoted(const std::string& s);

// Throws std::runtime_error unless `png_path` exists and is not empty.
void require_plot_written(const std::string& png_path);

}  // namespace cascade::plots
