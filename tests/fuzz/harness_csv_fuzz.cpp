// libFuzzer target on the CUDA harness's trace tables (kernels.csv, neural.csv, sdpa.csv;
// validation/cuda/README.md; docs/fuzzing.md): any input must either be rejected with a
// base::InputError or give measured cases the calibrated H100 model is compared with. A crash, a
// sanitizer report or a hang is a bug.
#include "FuzzSupport.h"
#include "validation/gpu/GpuValidation.h"
#include "validation/gpu/TraceTable.h"

using namespace cascade;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const arch::gpu::GpuModel& model = fuzz::calibrated_h100();
  try {
    const validation::TraceTable table = validation::parse_trace_table(fuzz::text_of(data, size), "fuzz.csv");
    std::vector<validation::MeasuredCase> cases;
    validation::cases_from_table(table, cases);
    validation::compare_with_model(model, cases);
  } catch (const base::InputError&) {
  }
  return 0;
}
