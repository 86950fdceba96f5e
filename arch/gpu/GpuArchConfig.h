#pragma once

#include <memory>
#include <string>
#include <vector>

#include "arch/gpu/OccupancyCalculator.h"
#include "configs/gpu.pb.h"
#include "base/TextProtoFile.h"

namespace cascade::arch::gpu {

// The most SMs a GPU config may have (today's largest parts have 144).
inline constexpr uint32_t kMaxSms = 4096;

// A GPU config (configs/arch/gpu/<name>.pbtxt) read and checked field by field; errors are
// InputError "file:line:col: error: ..." at the field.
class GpuArchConfig {
 public:
  GpuArchConfig(const std::string& text, const std::string& file);
  static GpuArchConfig load(const std::string& path);

  const config::GpuArch& proto() const { return *proto_; }
  const std::string& file() const { return source_->file(); }
  // "h100_sxm (cc 9.0)", for messages.
  std::string label() const;
  OccupancyCalculator occupancy_calculator() const { return {proto_->limits(), label()}; }
  // Whether the config leaves its SM limits to the table beside it (it writes no `limits`).
  bool limits_from_table() const;
  // The calibrated config whose family parameters this one took (calibrated_family); empty if none.
  const std::string& family_file() const { return family_file_; }

 private:
  // The SM limits: the row of compute_capabilities.pbtxt beside the config for its compute
  // capability, with every limit the config writes in its place (`limits` may give all, some or
  // none). Without a table beside it, the config's own limits, which must then be complete.
  void complete_limits();
  // What `calibrated_family` names: its timing fields this config leaves out and its L2 bandwidth
  // per SM and clock (gpu.proto); the field is then cleared, the merged config being complete.
  void take_family();
  void validate() const;

  std::shared_ptr<config::GpuArch> proto_;
  std::shared_ptr<base::TextProtoFile> source_;
  std::string family_file_;
};

// configs/arch/gpu/compute_capabilities.pbtxt: the SM limits of each supported compute capability,
// checked like a GPU config's.
class ComputeCapabilityTable {
 public:
  ComputeCapabilityTable(const std::string& text, const std::string& file);
  static ComputeCapabilityTable load(const std::string& path);

  const config::ComputeCapabilityTable& proto() const { return *proto_; }
  // The row of compute capability major.minor; throws InputError naming the known ones if absent.
  const config::SmLimits& limits(uint32_t major, uint32_t minor) const;
  // "8.6", "9.0", ... in the file's order.
  std::vector<std::string> names() const;
  OccupancyCalculator occupancy_calculator(uint32_t major, uint32_t minor) const;

 private:
  std::shared_ptr<config::ComputeCapabilityTable> proto_;
  std::shared_ptr<base::TextProtoFile> source_;
};

// Checks one SmLimits message found at `at` in `file` (the path of the `limits` field).
void validate_sm_limits(const config::SmLimits& limits, const base::TextProtoFile& file,
                        const std::vector<base::TextProtoFile::Step>& at);

// "9.0".
std::string compute_capability_name(const config::ComputeCapability& cc);

}  // namespace cascade::arch::gpu
