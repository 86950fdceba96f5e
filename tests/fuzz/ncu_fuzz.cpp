// libFuzzer target on Nsight Compute's CSV export (ncu --csv --page raw; docs/fuzzing.md): any
// input must either be rejected with a base::InputError or be imported into runs whose launches
// the calibrated H100 model checks and times (or refuses with an InputError). A crash, a sanitizer
// report or a hang is a bug.
#include "FuzzSupport.h"
#include "validation/gpu/TraceImport.h"

using namespace cascade;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const arch::gpu::GpuModel& model = fuzz::calibrated_h100();
  try {
    const validation::ImportResult imported = validation::parse_ncu_csv(fuzz::text_of(data, size), "fuzz.csv");
    validation::trace_set_to_csv(imported.traces);
    for (const auto& run : imported.traces.run()) {
      try {
        model.estimate(run.kernel());
      } catch (const base::InputError&) {
      }
    }
  } catch (const base::InputError&) {
  }
  return 0;
}
