#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>

#include "app/sweep/SweepJournal.h"

namespace cascade::app {

// A sweep's progress on a stream (stderr): points done of the total, the rate, the time left and
// the errors so far. On a terminal one line redrawn at most 5 times a second; otherwise a plain
// line every `period` seconds. Nothing when quiet.
class SweepProgress {
 public:
  enum class Style { kQuiet, kTerminal, kLines };
  SweepProgress(std::ostream& out, Style style, uint64_t total, double period_s = 10);
  // `counts` after a batch; `start` the point this run started from (a resumed sweep's rate
  // counts only its own points).
  void update(const SweepCounts& counts, uint64_t start);
  void finish(const SweepCounts& counts, uint64_t start);

 private:
  std::string line(const SweepCounts& counts, uint64_t start, double elapsed) const;

  std::ostream& out_;
  Style style_;
  uint64_t total_;
  double period_s_;
  std::chrono::steady_clock::time_point begin_ = std::chrono::steady_clock::now();
  double last_ = 0;  // seconds of the last line (none in the first period)
};

}  // namespace cascade::app
