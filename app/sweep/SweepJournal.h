#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/AppendFile.h"

namespace cascade::app {

// Counts of a sweep's points so far.
struct SweepCounts {
  uint64_t next = 0;     // the points before this one are done
  uint64_t rows = 0;     // rows written (points not dropped)
  uint64_t errors = 0;   // rows with an error
  uint64_t dropped = 0;  // points a constraint dropped
};

// The results of a sweep while it runs, so that it can be interrupted (Ctrl-C, kill -9, a full
// disk) and resumed to the same bytes: rows are appended to RESULTS.part (and JSONL.part), and
// after each batch a checkpoint, RESULTS.resume, records how many points are done and how many
// bytes of each file hold their rows. Resuming cuts each file back to the checkpoint's bytes (a
// torn last line, rows past the checkpoint) and goes on from its point. When the sweep ends the
// .part files take their names and the checkpoint is removed.
class SweepJournal {
 public:
  // `fingerprint`: of everything the rows depend on; a checkpoint of another is refused. Without
  // `resume`, the files of an interrupted sweep (its checkpoint) are an error rather than lost.
  SweepJournal(const std::string& csv, const std::string& jsonl, uint64_t fingerprint,
               const std::string& csv_header, bool resume);

  const SweepCounts& counts() const { return counts_; }
  // Appends a batch's rows and records the checkpoint after them.
  void append(const std::string& csv_rows, const std::string& jsonl_rows, const SweepCounts& counts);
  // The files under their names; the checkpoint removed.
  void finish();

 private:
  std::string csv_, jsonl_, checkpoint_;
  uint64_t fingerprint_;
  std::unique_ptr<base::AppendFile> csv_part_, jsonl_part_;
  SweepCounts counts_;
};

}  // namespace cascade::app
