// libFuzzer target on sweep specs (docs/fuzzing.md). Any input must either be rejected with a
// base::InputError or give points whose first and last evaluate to a row or are dropped by a
// constraint (a bad point is a row with its error, never an exception), formatted as CSV and JSON
// Lines; a crash, a sanitizer report or a hang is a bug. The spec is
// read as if it were configs/sweeps/fuzz.pbtxt, so the seeds' relative paths and names resolve.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "FuzzSupport.h"
#include "app/sweep/Sweep.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = cascade::fuzz::text_of(data, size);
  try {
    const cascade::app::SweepSpec spec(text, cascade::fuzz::source_path("configs/sweeps/fuzz.pbtxt"),
                                       CASCADE_SOURCE_DIR);
    if (spec.points() == 0) std::abort();  // at least one architecture and workload were required
    cascade::app::PointEvaluator evaluator(spec);
    for (const uint64_t i : {uint64_t{0}, spec.points() - 1})
      if (const auto row = evaluator.evaluate(spec.point(i))) {
        if (row->error.rfind("internal error", 0) == 0) std::abort();
        cascade::app::sweep_csv_row(spec, *row);
        cascade::app::sweep_json_line(spec, *row);
      }
  } catch (const cascade::base::InputError&) {
  }
  return 0;
}
