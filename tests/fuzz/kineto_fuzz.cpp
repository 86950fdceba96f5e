// libFuzzer target on the PyTorch profiler's Kineto chrome-trace JSON (docs/fuzzing.md): any input
// must either be rejected with a base::InputError or be imported (keeping what it can, listing the
// rest as problems) into cases the calibrated H100 model is compared with. A crash, a sanitizer
// report or a hang is a bug.
#include "FuzzSupport.h"
#include "validation/gpu/GpuValidation.h"
#include "validation/gpu/TraceImport.h"

using namespace cascade;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const arch::gpu::GpuModel& model = fuzz::calibrated_h100();
  try {
    const validation::ImportResult imported = validation::parse_kineto_json(fuzz::text_of(data, size), "fuzz.json");
    std::vector<validation::MeasuredCase> cases;
    std::vector<std::string> skipped;
    validation::cases_from_kineto(imported, "fuzz.json", cases, skipped);
    validation::compare_with_model(model, cases);
  } catch (const base::InputError&) {
  }
  return 0;
}
