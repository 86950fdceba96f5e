#include "validation/gpu/MeasuredKernels.h"

#include <cstdlib>

namespace cascade::validation {

std::vector<MeasuredKernel> measured_kernels(const TraceTable& t, const arch::gpu::GpuModel& model) {
  std::vector<MeasuredKernel> out;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& kind = t.at(r, "class");
    if (kind != "stream" && kind != "fma" && kind != "gemm") continue;
    MeasuredKernel m;
    m.name = t.at(r, "name");
    m.kind = kind;
    m.dtype = t.at(r, "dtype");
    m.measured_s = t.median_s(r);
    m.energy_j = t.energy_j(r);
    if (kind == "gemm") {
      m.kernel = model.gemm_kernel(static_cast<uint64_t>(t.number(r, "M")),
                                   static_cast<uint64_t>(t.number(r, "N")),
                                   static_cast<uint64_t>(t.number(r, "K")),
                                   static_cast<uint64_t>(t.number(r, "batch")), m.dtype);
      m.kernel.set_name(m.name);
    } else {
      config::Kernel& k = m.kernel;
      k.set_name(m.name);
      k.set_kind(kind);
      k.mutable_grid()->set_x(static_cast<uint32_t>(t.number(r, "grid")));
      k.mutable_block()->set_x(static_cast<uint32_t>(t.number(r, "block")));
      k.set_registers_per_thread(static_cast<uint32_t>(t.number(r, "regs")));
      k.set_dynamic_smem_bytes(static_cast<uint32_t>(t.number(r, "smem")));
      auto* w = k.mutable_work();
      w->set_fp32_flops(t.number(r, "flops"));
      w->set_dram_bytes(t.number(r, "bytes"));
      if (kind == "fma") {
        w->set_ilp(static_cast<uint32_t>(t.number(r, "ilp")));
      } else {
        // The harness's copy/triad kernels: one element per thread, float4 in the "4" variants
        // (validation/cuda/kernels.cu); triad loads two arrays at once.
        const bool vector4 = m.name.rfind("copy4", 0) == 0 || m.name.rfind("triad4", 0) == 0;
        w->set_bytes_per_access(vector4 ? 16 : 4);
        const bool triad = m.name.rfind("triad", 0) == 0;
        w->set_ilp(triad ? 2 : 1);
        // One array written of the two (copy) or three (triad) moved.
        w->set_dram_write_bytes(t.number(r, "bytes") / (triad ? 3 : 2));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace cascade::validation
