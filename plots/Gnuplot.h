#pragma once

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "base/OutputFile.h"

namespace cascade::plots {

// One gnuplot run, made safe for untrusted text (workload, config and kernel names; output paths):
// the commands go to a script file in a private temporary folder and gnuplot runs on it directly,
// without a shell and without its user settings (-d); the data go to files beside it, numbers
// only; every text the script shows is a single-quoted literal with its control characters
// replaced (a newline would end gnuplot's command and let the next line run a shell through '!');
// the charts are written there and then published to their paths atomically
// (base::write_output_file). Paths never appear in the script.
class Gnuplot {
 public:
  Gnuplot();

  // The script being written.
  std::ostream& script() { return script_; }
  // A text as a gnuplot string literal: single quotes doubled, control characters shown as '?',
  // and at most 200 characters (a chart title, not a document).
  static std::string text(const std::string& s);
  // Writes rows of numbers to a new data file; returns its name as a gnuplot literal for `plot`.
  // Non-finite numbers are an error of the caller (std::invalid_argument): filter them first.
  std::string data(const std::vector<std::vector<double>>& rows);
  // A chart file gnuplot writes, published to `path` after a successful run; returns its name as a
  // gnuplot literal for `set output`.
  std::string output(const std::string& path);
  // Runs gnuplot (at most two minutes) and publishes the outputs. Throws std::runtime_error if
  // gnuplot is missing, fails (with its message) or leaves an output empty; an InputError if an
  // output path cannot be written.
  void run();

 private:
  base::TempDir dir_;
  std::ostringstream script_;
  int files_ = 0;
  std::vector<std::pair<std::string, std::string>> outputs_;  // staged file, published path
};

}  // namespace cascade::plots
