#include "arch/gpu/GpuCascadeModel.h"

#include <cmath>
#include <map>
#include <memory>
#include <optional>

#include "arch/gpu/CascadeMapping.h"
#include "arch/gpu/GpuTimeline.h"

namespace cascade::arch::gpu {

GpuCascadeModel::GpuCascadeModel(GpuArchConfig config) : model_(std::move(config)) {
  // The roofs: the FP32 units' and each tensor type's peak (by type name), DRAM's bandwidth
  // (datasheet values).
  const config::GpuArch& arch = model_.config().proto();
  roofs_.ops_unit = "flop";
  roofs_.compute_roofs.push_back({"FP32", 2 * arch.peak().fp32_fma_per_second()});
  for (const auto& [type, rate] : std::map<std::string, double>(arch.peak().tensor_flops_per_second().begin(),
                                                                 arch.peak().tensor_flops_per_second().end()))
    roofs_.compute_roofs.push_back({"tensor " + type, rate});
  roofs_.memory_bytes_per_second = arch.memory().dram_bandwidth_bytes_per_second();
}

sim::Result GpuCascadeModel::evaluate(const workloads::Cascade& cascade, const workloads::RankSizes& sizes,
                                      Fidelity fidelity, EvaluationCache* /*cache*/) const {
  const GpuTiming& t = model_.timing();
  const config::GpuArch& arch = model_.config().proto();
  sim::Result r;
  r.model = name();
  r.arch = arch.name();
  r.workload = cascade.name;
  r.fidelity = to_string(fidelity);
  r.rank_sizes = sizes.all();
  r.clock_hz = t.sm_clock_hz;
  // Every unit and level appears in the record, used or not.
  for (const char* unit : {"tensor_cores", "fp32", "dram"}) r.busy_cycles[unit] = 0;
  for (const auto& key : {sim::Result::Key{"dram", "read"}, {"dram", "write"}, {"l2", "read"}}) r.traffic_bytes[key] = 0;
  r.roofline = roofs_;
  double seconds = 0;
  std::optional<GpuTimelineBuilder> timeline;
  if (timeline_) {
    r.timeline = std::make_shared<sim::Timeline>();
    timeline.emplace(*r.timeline, "");
  }
  for (const MappedKernel& mapped : map_cascade_to_gpu(model_, cascade, sizes)) {
    GpuModel::Estimate e;
    try {
      e = model_.estimate(mapped.kernel, timeline.has_value());
    } catch (const base::InputError& error) {
      const workloads::Operator* op = cascade.operator_of(mapped.einsums.front());
      const base::SourcePos at = op ? op->pos : cascade.einsums[mapped.einsums.front()].pos;
      throw base::InputError(cascade.file, at, "'" + mapped.name + "' on " + model_.config().label() + ": " +
                                                   (error.file().empty() ? "" : error.file() + ": ") + error.message());
    }
    const config::KernelWork& w = mapped.kernel.work();
    const double pj_before = r.total_energy_pj();
    double tensor_flops = 0, tensor_peak_s = 0;
    for (const auto& [type, flops] : w.tensor_flops()) {
      tensor_flops += flops;
      const auto rate = arch.peak().tensor_flops_per_second().find(type);
      if (rate != arch.peak().tensor_flops_per_second().end()) tensor_peak_s += flops / rate->second;
    }
    r.add_energy("tensor_cores", "flop", tensor_flops, t.pj_per_tensor_flop);
    r.add_energy("fp32", "flop", w.fp32_flops(), t.pj_per_fp32_flop);
    r.add_energy("sfu", "op", w.sfu_ops(), t.pj_per_sfu_op);
    r.add_energy("shared_memory", "byte", w.smem_bytes(), t.pj_per_smem_byte);
    r.add_energy("l2", "byte", w.l2_bytes(), t.pj_per_l2_byte);
    r.add_energy("dram", "byte", w.dram_bytes(), t.pj_per_dram_byte);
    const double actions_pj = r.total_energy_pj() - pj_before;
    // The rest of the launch's energy: idle, busy and the kernel family's power over its period.
    r.add_energy("gpu", "static", e.timing.period_s, std::max(0.0, e.timing.energy_j * 1e12 - actions_pj) /
                                                         (e.timing.period_s > 0 ? e.timing.period_s : 1));
    // A cascade's kernels run one after another, each after a different one.
    const double device_s = e.timing.in_pass_s;
    if (timeline) timeline->add(mapped.name, seconds, device_s, e, {{"kind", mapped.kernel.kind()}});
    double ops = w.fp32_flops();
    for (const auto& [type, flops] : w.tensor_flops()) ops += flops;
    r.roofline.points.push_back({mapped.name, mapped.kernel.kind(), ops, w.dram_bytes(), device_s});
    seconds += device_s;
    r.busy_cycles["tensor_cores"] += tensor_peak_s * t.sm_clock_hz;
    r.busy_cycles["fp32"] += w.fp32_flops() / (2 * arch.peak().fp32_fma_per_second()) * t.sm_clock_hz;
    r.busy_cycles["dram"] += w.dram_bytes() / arch.memory().dram_bandwidth_bytes_per_second() * t.sm_clock_hz;
    r.traffic_bytes[{"dram", "read"}] += w.dram_bytes() - w.dram_write_bytes();
    r.traffic_bytes[{"dram", "write"}] += w.dram_write_bytes();
    r.traffic_bytes[{"l2", "read"}] += w.l2_bytes();
    const auto cycles = static_cast<uint64_t>(std::llround(device_s * t.sm_clock_hz));
    r.phases[mapped.name] = {cycles, r.total_energy_pj() - pj_before};

    config::KernelRecord k;
    k.set_name(mapped.name);
    k.set_kind(mapped.kernel.kind());
    const auto& g = mapped.kernel.grid();
    const auto& b = mapped.kernel.block();
    for (const uint32_t v : {g.x(), std::max(1u, g.y()), std::max(1u, g.z())}) k.add_grid(v);
    for (const uint32_t v : {b.x(), std::max(1u, b.y()), std::max(1u, b.z())}) k.add_block(v);
    k.set_registers_per_thread(mapped.kernel.registers_per_thread());
    k.set_dynamic_smem_bytes(mapped.kernel.dynamic_smem_bytes());
    k.set_blocks_per_sm(static_cast<uint32_t>(e.occupancy.blocks_per_sm));
    k.set_occupancy(e.occupancy.occupancy);
    k.set_achieved_occupancy(e.timing.achieved_occupancy);
    k.set_waves(e.timing.waves);
    k.set_seconds(device_s);
    k.set_energy_pj(r.total_energy_pj() - pj_before);
    r.kernels.push_back(std::move(k));
  }
  r.cycles = static_cast<uint64_t>(std::llround(seconds * t.sm_clock_hz));
  r.stats["kernels"] = static_cast<double>(r.kernels.size());
  r.stats["device_seconds"] = seconds;
  return r;
}

}  // namespace cascade::arch::gpu
