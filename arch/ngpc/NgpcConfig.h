#pragma once

#include <memory>
#include <string>

#include "arch/gpu/GpuArchConfig.h"
#include "base/TextProtoFile.h"
#include "configs/ngpc.pb.h"

namespace cascade::arch::ngpc {

// An NGPC config (configs/ngpc.proto) read and checked field by field, with every field the file
// leaves out at its default (the one place the defaults are: kDefaults in NgpcConfig.cpp), and the
// GPU config it names loaded. Errors are InputError "file:line:col: error: ..." at the field.
class NgpcConfig {
 public:
  NgpcConfig(const std::string& text, const std::string& file);

  // Every field set: the file's value or the default.
  const config::NgpcArch& proto() const { return proto_; }
  const gpu::GpuArchConfig& gpu() const { return *gpu_; }
  const std::string& file() const { return source_->file(); }
  // The position of a field (e.g. {{"encoding"}, {"grid_sram_bytes"}}) for errors found at
  // evaluation, where the workload meets the config.
  base::SourcePos locate(std::initializer_list<base::TextProtoFile::Step> path) const { return source_->locate(path); }

 private:
  void validate() const;

  config::NgpcArch proto_;
  std::shared_ptr<config::NgpcArch> read_;  // as the file has it: source_ locates its fields
  std::shared_ptr<base::TextProtoFile> source_;
  std::shared_ptr<gpu::GpuArchConfig> gpu_;
};

}  // namespace cascade::arch::ngpc
