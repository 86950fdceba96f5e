#include "validation/gpu/MeasuredKernels.h"

#include <cstdint>
#include <cstdlib>

#include "base/InputError.h"

namespace cascade::validation {
namespace {

// Instructions of the FMA harness loop's trip beside its FMAs (its counter, compare and branch).
constexpr double kFmaLoopInstructions = 3;

}  // namespace

void set_launch(const TraceTable& t, size_t row, config::Kernel& k) {
  // CUDA's limits: grid x below 2^31, blocks of at most 1024 threads, 255 registers a thread.
  k.mutable_grid()->set_x(static_cast<uint32_t>(t.whole(row, "grid", 1, (1u << 31) - 1)));
  k.mutable_block()->set_x(static_cast<uint32_t>(t.whole(row, "block", 1, 1024)));
  k.set_registers_per_thread(static_cast<uint32_t>(t.whole(row, "regs", 0, 255)));
  k.set_dynamic_smem_bytes(static_cast<uint32_t>(t.whole(row, "smem", 0, UINT32_MAX)));
}

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
      try {
        m.launches = model.gemm_call(t.whole(r, "M", 1, kMaxGemmDimension), t.whole(r, "N", 1, kMaxGemmDimension),
                                     t.whole(r, "K", 1, kMaxGemmDimension), t.whole(r, "batch", 1, 65535), m.dtype);
      } catch (const base::InputError& e) {
        // The model's refusal (a data type without tiles, a grid beyond CUDA's) is the row's fault.
        if (e.pos().line > 0) throw;
        throw base::InputError(t.file, {t.lines[r], 0}, e.message());
      }
      m.launches.front().set_name(m.name);
    } else {
      config::Kernel& k = m.launches.emplace_back();
      k.set_name(m.name);
      k.set_kind(kind);
      set_launch(t, r, k);
      auto* w = k.mutable_work();
      w->set_fp32_flops(t.non_negative(r, "flops"));
      w->set_dram_bytes(t.non_negative(r, "bytes"));
      if (kind == "fma") {
        const auto ilp = static_cast<uint32_t>(t.whole(r, "ilp", 1, 1 << 16));
        w->set_ilp(ilp);
        // The harness's loop (validation/cuda/kernels.cu fma_tp, unrolled 8 times) issues 8 x ILP
        // FFMAs and three loop instructions a trip (IADD3, ISETP, BRA: Nsight Compute counts 11/8,
        // 19/16, 35/32 and 67/64 instructions an FMA at ILP 1, 2, 4 and 8,
        // validation/traces/h200/ncu_kernels.csv), each an issue slot on the FMA's chain: counted
        // as FMAs.
        w->set_fp32_flops(w->fp32_flops() * (1 + kFmaLoopInstructions / (8.0 * ilp)));
      } else {
        // The harness's copy/triad kernels: one element per thread, float4 in the "4" variants
        // (validation/cuda/kernels.cu); triad loads two arrays at once.
        const bool vector4 = m.name.rfind("copy4", 0) == 0 || m.name.rfind("triad4", 0) == 0;
        w->set_bytes_per_access(vector4 ? 16 : 4);
        const bool triad = m.name.rfind("triad", 0) == 0;
        w->set_ilp(triad ? 2 : 1);
        // One array written of the two (copy) or three (triad) moved.
        w->set_dram_write_bytes(t.non_negative(r, "bytes") / (triad ? 3 : 2));
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace cascade::validation
