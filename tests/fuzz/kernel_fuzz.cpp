// libFuzzer target on the kernel description (configs/kernel.proto; docs/fuzzing.md), as `cascade
// gpu time --kernel` reads it: any input must either be rejected with a base::InputError or be
// timed on the calibrated H100. A crash, a sanitizer report or a hang is a bug.
#include "FuzzSupport.h"
#include "base/TextProtoFile.h"
#include "configs/kernel.pb.h"

using namespace cascade;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const arch::gpu::GpuModel& model = fuzz::calibrated_h100();
  try {
    config::Kernel kernel;
    const base::TextProtoFile file(fuzz::text_of(data, size), "fuzz", kernel);
    if (const auto problem = model.problem(kernel)) file.fail(file.locate(problem->path), problem->message);
    model.estimate(kernel);
  } catch (const base::InputError&) {
  }
  return 0;
}
