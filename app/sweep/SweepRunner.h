#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "app/sweep/Sweep.h"
#include "app/sweep/SweepJournal.h"
#include "app/sweep/SweepProgress.h"
#include "app/sweep/SweepTeam.h"

namespace cascade::app {

struct SweepRunOptions {
  std::string csv, jsonl;  // the results files (jsonl: none when empty)
  unsigned threads = 1;    // worker threads of this process
  bool resume = false;     // go on from an interrupted sweep's checkpoint (SweepJournal)
  SweepProgress* progress = nullptr;
  // Set (by a signal handler) to stop after the batch under way, leaving a checkpoint.
  const std::atomic<bool>* stop = nullptr;
};

struct SweepOutcome {
  SweepCounts counts;
  uint64_t start = 0;  // the point this run started from (> 0 when resumed)
  bool interrupted = false;
};

// Thrown on the ranks other than 0 when rank 0 fails (its error is rank 0's to report).
struct SweepWriterFailed {};

// Runs a sweep in batches: each batch's points are shared among the team's ranks and each rank's
// worker threads, and their rows are appended in point order to the results files with a
// checkpoint after every batch, so that the files are the same bytes at any thread or rank count,
// and after any interruption and resume. Rank 0 writes the files and reports progress; it returns
// the counts (the other ranks return theirs empty). When rank 0 cannot go on (a checkpoint it
// cannot resume, a full disk), it throws that error and every other rank SweepWriterFailed.
SweepOutcome run_sweep(const SweepSpec& spec, const SweepRunOptions& options, SweepTeam& team);

// The rows of points [begin, end) (a dropped point has none), evaluated on `threads` threads.
std::vector<SweepRow> sweep_rows(const SweepSpec& spec, uint64_t begin, uint64_t end, unsigned threads);

}  // namespace cascade::app
