#include "arch/gpu/GpuArchConfig.h"
#include "arch/gpu/FusedKernels.h"

#include <filesystem>
#include <set>
#include <tuple>

#include "base/InputFile.h"
#include "base/Text.h"

namespace cascade::arch::gpu {
namespace {

using Step = base::TextProtoFile::Step;
using Path = std::vector<Step>;

Path join(Path path, Step step) {
  path.push_back(step);
  return path;
}

[[noreturn]] void fail_at(const base::TextProtoFile& file, const Path& path,
                          const std::string& message) {
  file.fail(file.locate(path), message);
}

}  // namespace

std::string compute_capability_name(const config::ComputeCapability& cc) {
  return std::to_string(cc.major()) + "." + std::to_string(cc.minor());
}

// `base` with each field that the config writes in its message `at` taken from `written` (a zero,
// false or empty list included): the rest are base's.
template <class Message>
Message with_written_fields(Message base, const Message& written, const base::TextProtoFile& source, const char* at) {
  const auto* descriptor = Message::descriptor();
  const auto* reflection = base.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (source.written_depth({{at}, {field->name().c_str()}}) >= 2) reflection->ClearField(&base, field);
  }
  base.MergeFrom(written);
  return base;
}

void validate_sm_limits(const config::SmLimits& l, const base::TextProtoFile& file,
                        const Path& at) {
  // Every count the calculator divides by or compares with must be given.
  const std::pair<const char*, uint64_t> required[] = {
      {"warp_size", l.warp_size()},
      {"max_threads_per_sm", l.max_threads_per_sm()},
      {"max_warps_per_sm", l.max_warps_per_sm()},
      {"max_blocks_per_sm", l.max_blocks_per_sm()},
      {"max_threads_per_block", l.max_threads_per_block()},
      {"registers_per_sm", l.registers_per_sm()},
      {"registers_per_block", l.registers_per_block()},
      {"register_allocation_unit", l.register_allocation_unit()},
      {"max_registers_per_thread", l.max_registers_per_thread()},
      {"sub_partitions", l.sub_partitions()},
      {"shared_memory_per_sm_bytes", l.shared_memory_per_sm_bytes()},
      {"shared_memory_per_block_bytes", l.shared_memory_per_block_bytes()},
      {"shared_memory_per_block_optin_bytes", l.shared_memory_per_block_optin_bytes()},
      {"shared_memory_allocation_unit_bytes", l.shared_memory_allocation_unit_bytes()},
      {"barriers_per_block_slot", l.barriers_per_block_slot()},
      {"max_barriers_per_block", l.max_barriers_per_block()},
  };
  for (const auto& [field, value] : required)
    if (value == 0) fail_at(file, at, std::string("limits: missing or zero field '") + field + "'");
  // Upper bounds a few times beyond any GPU's, so that the occupancy calculator's arithmetic
  // (64-bit, results in int) cannot overflow.
  const std::tuple<const char*, uint64_t, uint64_t> bounded[] = {
      {"warp_size", l.warp_size(), 128},
      {"max_threads_per_sm", l.max_threads_per_sm(), 1 << 16},
      {"max_warps_per_sm", l.max_warps_per_sm(), 1 << 16},
      {"max_blocks_per_sm", l.max_blocks_per_sm(), 1 << 12},
      {"max_threads_per_block", l.max_threads_per_block(), 1 << 16},
      {"registers_per_sm", l.registers_per_sm(), 1 << 24},
      {"registers_per_block", l.registers_per_block(), 1 << 24},
      {"register_allocation_unit", l.register_allocation_unit(), 1 << 16},
      {"max_registers_per_thread", l.max_registers_per_thread(), 1 << 12},
      {"sub_partitions", l.sub_partitions(), 64},
      {"shared_memory_per_sm_bytes", l.shared_memory_per_sm_bytes(), uint64_t{1} << 30},
      {"shared_memory_per_block_bytes", l.shared_memory_per_block_bytes(), uint64_t{1} << 30},
      {"shared_memory_per_block_optin_bytes", l.shared_memory_per_block_optin_bytes(), uint64_t{1} << 30},
      {"reserved_shared_memory_per_block_bytes", l.reserved_shared_memory_per_block_bytes(), uint64_t{1} << 30},
      {"shared_memory_allocation_unit_bytes", l.shared_memory_allocation_unit_bytes(), uint64_t{1} << 30},
      {"barriers_per_block_slot", l.barriers_per_block_slot(), 1 << 12},
      {"max_barriers_per_block", l.max_barriers_per_block(), 1 << 12},
      {"unified_cache_per_sm_bytes", l.unified_cache_per_sm_bytes(), uint64_t{1} << 30},
  };
  for (const auto& [field, value, most] : bounded)
    if (value > most)
      fail_at(file, join(at, {field}),
              std::string("limits: ") + field + " of " + std::to_string(value) + " is above " + std::to_string(most));
  for (int i = 0; i < l.carveout_kb_size(); ++i)
    if (l.carveout_kb(i) > (1u << 20))
      fail_at(file, join(at, {"carveout_kb", i}), "limits: a carveout above 1 GiB (1048576 KB)");
  if (l.max_warps_per_sm() * l.warp_size() != l.max_threads_per_sm())
    fail_at(file, join(at, {"max_warps_per_sm"}),
            "limits: max_warps_per_sm " + std::to_string(l.max_warps_per_sm()) +
                " disagrees with max_threads_per_sm / warp_size = " +
                std::to_string(l.max_threads_per_sm()) + " / " + std::to_string(l.warp_size()));
  if (l.registers_per_sm() % l.sub_partitions() != 0)
    fail_at(file, join(at, {"sub_partitions"}),
            "limits: registers_per_sm " + std::to_string(l.registers_per_sm()) +
                " does not divide among " + std::to_string(l.sub_partitions()) + " sub-partitions");
  if (l.shared_memory_per_block_bytes() > l.shared_memory_per_block_optin_bytes())
    fail_at(file, join(at, {"shared_memory_per_block_optin_bytes"}),
            "limits: the opt-in per-block shared memory is below the default per-block limit");
  if (l.unified_cache_per_sm_bytes() != 0 && l.unified_cache_per_sm_bytes() < l.shared_memory_per_sm_bytes())
    fail_at(file, join(at, {"unified_cache_per_sm_bytes"}),
            "limits: the unified data cache (" + std::to_string(l.unified_cache_per_sm_bytes()) +
                " bytes) is smaller than the shared memory carved from it (shared_memory_per_sm_bytes " +
                std::to_string(l.shared_memory_per_sm_bytes()) + ")");
  if (l.carveout_kb_size() == 0) fail_at(file, at, "limits: missing field 'carveout_kb'");
  for (int i = 1; i < l.carveout_kb_size(); ++i)
    if (l.carveout_kb(i) <= l.carveout_kb(i - 1))
      fail_at(file, join(at, {"carveout_kb"}), "limits: carveout_kb must be strictly ascending");
  // The calculator rounds the SM's size and any allowed block up to a carveout: the largest must
  // hold both (cuda_occupancy.h would return CUDA_OCC_ERROR_INVALID_INPUT).
  const uint64_t largest = uint64_t{l.carveout_kb(l.carveout_kb_size() - 1)} * 1024;
  const uint64_t largest_block =
      l.shared_memory_per_block_optin_bytes() + l.reserved_shared_memory_per_block_bytes();
  if (l.shared_memory_per_sm_bytes() > largest || largest_block > largest)
    fail_at(file, join(at, {"carveout_kb"}),
            "limits: the largest carveout, " + std::to_string(largest) +
                " bytes, must hold shared_memory_per_sm_bytes (" +
                std::to_string(l.shared_memory_per_sm_bytes()) +
                ") and the opt-in block with its reservation (" + std::to_string(largest_block) + ")");
}

GpuArchConfig::GpuArchConfig(const std::string& text, const std::string& file)
    : proto_(std::make_shared<config::GpuArch>()),
      source_(std::make_shared<base::TextProtoFile>(text, file, *proto_)) {
  complete_limits();
  take_family();
  validate();
}

void GpuArchConfig::take_family() {
  config::GpuArch& g = *proto_;
  if (g.calibrated_family().empty()) return;
  const Path at = {{"calibrated_family"}};
  const std::string& name = g.calibrated_family();
  if (!base::is_printable(name) || name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
      name.front() == '.')
    fail_at(*source_, at, "calibrated_family: a config's name beside this one (e.g. \"h100_sxm.calibrated\"), found '" +
                              base::printable(name) + "'");
  family_file_ = base::directory_of(source_->file()) + name + ".pbtxt";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(family_file_, ec))
    fail_at(*source_, at, "calibrated_family: no config " + base::printable(family_file_));
  // The family config's own errors name its file and line.
  const std::string family_text = base::TextProtoFile::read(family_file_);
  {
    config::GpuArch probe;
    const base::TextProtoFile parsed(family_text, family_file_, probe);
    if (!probe.calibrated_family().empty())
      fail_at(*source_, at, "calibrated_family: " + base::printable(family_file_) +
                                " names a family itself; name the calibrated config it names");
  }
  const GpuArchConfig family(family_text, family_file_);
  const config::GpuArch* family_proto = &family.proto();
  if (compute_capability_name(family_proto->compute_capability()) != compute_capability_name(g.compute_capability()))
    fail_at(*source_, at, "calibrated_family: " + family.label() + " is of another compute capability than " +
                              compute_capability_name(g.compute_capability()) + ": a family is one architecture's");
  // The family's timing, with each field this config writes in its place.
  *g.mutable_timing() = with_written_fields(family_proto->timing(), g.timing(), *source_, "timing");
  // The library's tiles and the framework's mapping are the architecture's too (the same kernels on
  // the same SMs): a product that lists none takes the family's.
  if (g.gemm_tile_size() == 0) *g.mutable_gemm_tile() = family_proto->gemm_tile();
  if (source_->written_depth({{"mapping"}}) == 0) *g.mutable_mapping() = family_proto->mapping();
  if (source_->written_depth({{"memory"}, {"l2_bandwidth_bytes_per_second"}}) < 2) {
    // L2's rate grows with its slices (one tag lookup a slice a clock; a part's L2 size counts its
    // slices of one size) and its clock (taken to follow the SM clock).
    const double family_rate =
        static_cast<double>(family_proto->memory().l2_bytes()) * family_proto->clocks().sm_boost_mhz();
    const double rate = static_cast<double>(g.memory().l2_bytes()) * g.clocks().sm_boost_mhz();
    if (family_rate > 0)
      g.mutable_memory()->set_l2_bandwidth_bytes_per_second(family_proto->memory().l2_bandwidth_bytes_per_second() *
                                                            rate / family_rate);
  }
  g.clear_calibrated_family();
}

void GpuArchConfig::complete_limits() {
  config::GpuArch& g = *proto_;
  if (!g.has_compute_capability() || g.compute_capability().major() == 0) return;  // validate() names it
  const std::string& file = source_->file();
  const std::string table = base::directory_of(file) + "compute_capabilities.pbtxt";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(table, ec)) {
    if (!g.has_limits())
      fail_at(*source_, {}, "no limits, and no compute_capabilities.pbtxt beside the config to take them from (" +
                                base::printable(table) + ")");
    return;
  }
  const ComputeCapabilityTable rows = ComputeCapabilityTable::load(table);
  config::SmLimits merged;
  try {
    merged = rows.limits(g.compute_capability().major(), g.compute_capability().minor());
  } catch (const base::InputError& e) {
    fail_at(*source_, {{"compute_capability"}}, e.message() + " in " + base::printable(table));
  }
  // Every limit the config writes replaces the row's (a zero or false included); the rest are the row's.
  *g.mutable_limits() = with_written_fields(merged, g.limits(), *source_, "limits");
}

bool GpuArchConfig::limits_from_table() const { return source_->written_depth({{"limits"}}) == 0; }

GpuArchConfig GpuArchConfig::load(const std::string& path) {
  return GpuArchConfig(base::TextProtoFile::read(path), path);
}

std::string GpuArchConfig::label() const {
  return proto_->name() + " (cc " + compute_capability_name(proto_->compute_capability()) + ")";
}

void GpuArchConfig::validate() const {
  const config::GpuArch& g = *proto_;
  const base::TextProtoFile& f = *source_;
  const auto missing = [&](const Path& at, const std::string& field) {
    fail_at(f, at, "missing field '" + field + "'");
  };
  f.require_finite_non_negative_numbers();
  if (g.name().empty()) missing({}, "name");
  if (!base::is_printable(g.name())) fail_at(f, {{"name"}}, "the name has a control character (a newline?)");
  if (!g.has_compute_capability() || g.compute_capability().major() == 0)
    missing({}, "compute_capability");
  if (g.sm_count() == 0) missing({}, "sm_count");
  if (g.sm_count() > kMaxSms)
    fail_at(f, {{"sm_count"}}, "sm_count of " + std::to_string(g.sm_count()) + " is above " + std::to_string(kMaxSms));
  if (!g.has_limits()) missing({}, "limits");
  validate_sm_limits(g.limits(), f, {{"limits"}});
  if (!(g.clocks().sm_boost_mhz() > 0)) fail_at(f, {{"clocks"}}, "clocks: sm_boost_mhz must be positive");
  if (g.clocks().sm_base_mhz() > g.clocks().sm_boost_mhz())
    fail_at(f, {{"clocks"}, {"sm_base_mhz"}}, "clocks: sm_base_mhz exceeds sm_boost_mhz");
  if (!(g.peak().fp32_fma_per_second() > 0))
    fail_at(f, {{"peak"}}, "peak: fp32_fma_per_second must be positive");
  const std::set<std::string> types = {"bf16", "fp16", "tf32", "fp8"};
  for (const auto& [type, rate] : g.peak().tensor_flops_per_second()) {
    if (!types.count(type))
      fail_at(f, {{"peak"}, {"tensor_flops_per_second"}},
              "peak: unknown tensor data type '" + type + "' (known: bf16, fp16, tf32, fp8)");
    if (!(rate > 0))
      fail_at(f, {{"peak"}, {"tensor_flops_per_second"}},
              "peak: tensor_flops_per_second of '" + type + "' must be positive");
  }
  if (!(g.memory().dram_bandwidth_bytes_per_second() > 0))
    fail_at(f, {{"memory"}}, "memory: dram_bandwidth_bytes_per_second must be positive");
  if (!(g.memory().l2_bandwidth_bytes_per_second() > 0))
    fail_at(f, {{"memory"}}, "memory: l2_bandwidth_bytes_per_second must be positive");
  if (g.memory().l2_bytes() == 0) fail_at(f, {{"memory"}}, "memory: l2_bytes must be positive");
  if (!(g.power().tdp_watts() > 0)) fail_at(f, {{"power"}}, "power: tdp_watts must be positive");
  if (g.power().idle_watts() < 0 || g.power().idle_watts() > g.power().tdp_watts())
    fail_at(f, {{"power"}, {"idle_watts"}}, "power: idle_watts must be between 0 and tdp_watts");
  // Fractions of a datasheet rate (0 means 1, see gpu.proto); kernel_family_efficiency is relative
  // to a tile's peak_fraction and may exceed 1.
  const config::GpuTimingModel& t = g.timing();
  const std::pair<const char*, double> fractions[] = {{"dram_efficiency", t.dram_efficiency()},
                                                      {"fp32_efficiency", t.fp32_efficiency()},
                                                      {"warp_mma_efficiency", t.warp_mma_efficiency()},
                                                      {"l2_usable_fraction", t.l2_usable_fraction()}};
  for (const auto& [field, value] : fractions)
    if (value > 1) fail_at(f, {{"timing"}, {field}}, std::string("timing: ") + field + " is a fraction: at most 1");
  for (const auto& [type, value] : t.tensor_efficiency()) {
    if (!types.count(type))
      fail_at(f, {{"timing"}, {"tensor_efficiency"}},
              "timing: tensor_efficiency of unknown data type '" + type + "' (known: bf16, fp16, tf32, fp8)");
    if (value > 1) fail_at(f, {{"timing"}, {"tensor_efficiency"}}, "timing: tensor_efficiency is a fraction: at most 1");
  }
  if (t.fma_latency_cycles() == 0)
    fail_at(f, {{"timing"}, {"fma_latency_cycles"}}, "timing: fma_latency_cycles must be at least 1");
  if (!(t.issue_knee_exponent() >= 0 && t.issue_knee_exponent() <= 16))
    fail_at(f, {{"timing"}, {"issue_knee_exponent"}}, "timing: issue_knee_exponent must be 0 (the hard knee) to 16");
  if (!(t.tensor_warps_to_saturate() > 0))
    fail_at(f, {{"timing"}, {"tensor_warps_to_saturate"}}, "timing: tensor_warps_to_saturate must be positive");
  if (!(t.dram_latency_ns() > 0))
    fail_at(f, {{"timing"}, {"dram_latency_ns"}}, "timing: dram_latency_ns must be positive");
  // A lone sector costs at least what it moves (32 bytes through L2, 64 from DRAM); 0 takes 64.
  if (t.l2_lone_sector_bytes() != 0 && !(t.l2_lone_sector_bytes() >= 32 && t.l2_lone_sector_bytes() <= 4096))
    fail_at(f, {{"timing"}, {"l2_lone_sector_bytes"}}, "timing: l2_lone_sector_bytes must be 0 or 32 to 4096");
  if (t.dram_lone_sector_bytes() != 0 && !(t.dram_lone_sector_bytes() >= 64 && t.dram_lone_sector_bytes() <= 4096))
    fail_at(f, {{"timing"}, {"dram_lone_sector_bytes"}}, "timing: dram_lone_sector_bytes must be 0 or 64 to 4096");
  for (int i = 0; i < g.gemm_tile_size(); ++i) {
    const config::GemmTile& tile = g.gemm_tile(i);
    const auto at = [&](const char* field) { return Path{{"gemm_tile", i}, {field}}; };
    if (tile.dtype() != "fp32" && !types.count(tile.dtype()))
      fail_at(f, at("dtype"), "gemm_tile: unknown dtype '" + tile.dtype() + "' (known: bf16, fp16, tf32, fp8, fp32)");
    if (tile.tensor_cores() && !g.peak().tensor_flops_per_second().count(tile.dtype()))
      fail_at(f, at("dtype"), "gemm_tile: a tensor-core tile of '" + tile.dtype() +
                                  "', which peak.tensor_flops_per_second does not list");
    if (tile.tile_m() == 0 || tile.tile_n() == 0 || tile.tile_m() > 4096 || tile.tile_n() > 4096)
      fail_at(f, at("tile_m"), "gemm_tile: tile_m and tile_n must be 1 to 4096");
    if (tile.threads() == 0 || tile.threads() > g.limits().max_threads_per_block())
      fail_at(f, at("threads"), "gemm_tile: threads must be 1 to limits.max_threads_per_block");
    if (tile.peak_fraction() > 1) fail_at(f, at("peak_fraction"), "gemm_tile: peak_fraction is a fraction: at most 1");
    if (tile.tile_instructions_per_thread() > 1e9)
      fail_at(f, at("tile_instructions_per_thread"), "gemm_tile: tile_instructions_per_thread: more than 10^9");
    if (tile.split_k_min_depth() > (1u << 20))
      fail_at(f, at("split_k_min_depth"), "gemm_tile: split_k_min_depth: more than 2^20");
  }
  if (const std::string& family = g.mapping().attention_family(); !family.empty() && !attention_family_named(family))
    fail_at(f, {{"mapping"}, {"attention_family"}},
            "mapping: unknown attention_family '" + base::printable(family) +
                "' (known: flash_attention_2, flash_attention_3, memory_efficient_attention)");
}

ComputeCapabilityTable::ComputeCapabilityTable(const std::string& text, const std::string& file)
    : proto_(std::make_shared<config::ComputeCapabilityTable>()),
      source_(std::make_shared<base::TextProtoFile>(text, file, *proto_)) {
  std::set<std::string> seen;
  for (int i = 0; i < proto_->entry_size(); ++i) {
    const auto& e = proto_->entry(i);
    const std::string name = compute_capability_name(e.compute_capability());
    if (!e.has_compute_capability() || e.compute_capability().major() == 0)
      fail_at(*source_, {{"entry", i}}, "entry: missing field 'compute_capability'");
    if (!seen.insert(name).second)
      fail_at(*source_, {{"entry", i}}, "compute capability " + name + " given twice");
    validate_sm_limits(e.limits(), *source_, {{"entry", i}, {"limits"}});
  }
}

ComputeCapabilityTable ComputeCapabilityTable::load(const std::string& path) {
  return ComputeCapabilityTable(base::TextProtoFile::read(path), path);
}

std::vector<std::string> ComputeCapabilityTable::names() const {
  std::vector<std::string> out;
  for (const auto& e : proto_->entry()) out.push_back(compute_capability_name(e.compute_capability()));
  return out;
}

const config::SmLimits& ComputeCapabilityTable::limits(uint32_t major, uint32_t minor) const {
  for (const auto& e : proto_->entry())
    if (e.compute_capability().major() == major && e.compute_capability().minor() == minor)
      return e.limits();
  std::string known;
  for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
  throw base::InputError(source_->file(), {},
                              "no compute capability " + std::to_string(major) + "." +
                                  std::to_string(minor) + " (known: " + known + ")");
}

OccupancyCalculator ComputeCapabilityTable::occupancy_calculator(uint32_t major, uint32_t minor) const {
  return {limits(major, minor), "cc " + std::to_string(major) + "." + std::to_string(minor)};
}

}  // namespace cascade::arch::gpu
