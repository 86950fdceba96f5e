#pragma once

#include <memory>
#include <string>
#include <vector>

#include "configs/arch.pb.h"
#include "base/TextProtoFile.h"

namespace cascade::arch {

// An architecture config read from a file (configs/arch/*.pbtxt) and checked field by field: the
// proto, plus the file and the positions of its fields for errors a model finds later.
class ArchConfig {
 public:
  ArchConfig(const std::string& text, const std::string& file);
  static ArchConfig load(const std::string& path);

  const config::Arch& proto() const { return *proto_; }
  const std::string& file() const { return source_->file(); }
  // Throws InputError "file:line:col: error: <message>" at the field `path`.
  [[noreturn]] void fail(std::initializer_list<base::TextProtoFile::Step> path,
                         const std::string& message) const;

  // The result component of a unit: "array2d", "array1d".
  static std::string unit_name(config::Unit unit);

  double cycle_seconds() const { return 1.0 / proto_->clock_hz(); }
  // DRAM bytes per cycle (bandwidth / clock).
  double dram_bytes_per_cycle() const {
    return proto_->dram().bandwidth_bytes_per_second() / proto_->clock_hz();
  }

 private:
  void validate() const;

  // Merges the files `message` (parsed by `source`) imports, depth first, into proto_.
  void merge_imports(const config::Arch& message, const base::TextProtoFile& source, std::vector<std::string>& chain);

  std::shared_ptr<config::Arch> proto_;  // the config with its imports merged under it
  std::shared_ptr<base::TextProtoFile> source_;
  // The imported files and their messages, to place errors in the file that wrote the field.
  std::vector<std::shared_ptr<config::Arch>> imported_;
  std::vector<std::shared_ptr<base::TextProtoFile>> imported_sources_;
};

}  // namespace cascade::arch
