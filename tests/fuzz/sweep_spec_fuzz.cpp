// libFuzzer target on sweep specs (docs/fuzzing.md). Any input must either be rejected with a
// base::InputError or give points whose first and last evaluate to a row (a bad point is a row
// with its error, never an exception); a crash, a sanitizer report or a hang is a bug. The spec is
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
    cascade::app::evaluate_point(spec, spec.point(0));
    cascade::app::evaluate_point(spec, spec.point(spec.points() - 1));
  } catch (const cascade::base::InputError&) {
  }
  return 0;
}
