#pragma once

#include <memory>
#include <string>
#include <utility>
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

  // This config with fields set by dotted path, in order (base::set_field_by_path; a path counts
  // the imported entries too), checked as a file is, without printing or parsing text: what
  // create_model(arch_text_with_overrides(...)) reads, built in a few microseconds. Throws
  // InputError for a path or value the schema does not have (set_field_by_path's error) and for a
  // variant that fails the checks; this and every later error of the variant (fail) is located at
  // the field where this config's files write it and names the overridden fields.
  ArchConfig with_overrides(const std::vector<std::pair<std::string, std::string>>& overrides) const;

  const config::Arch& proto() const { return *proto_; }
  const std::string& file() const { return source_->file(); }
  // Throws InputError "file:line:col: error: <message>" at the field `path`.
  [[noreturn]] void fail(std::initializer_list<base::TextProtoFile::Step> path,
                         const std::string& message) const;
  [[noreturn]] void fail(const std::vector<base::TextProtoFile::Step>& path, const std::string& message) const;

  // The parts of the config that decide the structure of a model's evaluation, as one string: the
  // file, name, mapping, op_cost tables and the (component, action) names of the energy entries;
  // not the numbers of the hardware (array sizes, clock, bandwidths, energies, buffer sizes). Two
  // configs with equal keys are evaluated with the same phases, bindings and lookups
  // (SpatialStructure, EvaluationCache).
  const std::string& structure_key() const { return *structure_key_; }

  // The result component of a unit: "array2d", "array1d".
  static std::string unit_name(config::Unit unit);

  double cycle_seconds() const { return 1.0 / proto_->clock_hz(); }
  // DRAM bytes per cycle (bandwidth / clock).
  double dram_bytes_per_cycle() const {
    return proto_->dram().bandwidth_bytes_per_second() / proto_->clock_hz();
  }

 private:
  // The checks of every field; validate() checks the numbers of the files first.
  void validate() const;
  void validate_fields() const;

  // Merges the files `message` (parsed by `source`) imports, depth first, into proto_.
  void merge_imports(const config::Arch& message, const base::TextProtoFile& source, std::vector<std::string>& chain);

  std::shared_ptr<config::Arch> proto_;  // the config with its imports merged under it
  std::shared_ptr<base::TextProtoFile> source_;
  // The imported files and their messages, to place errors in the file that wrote the field.
  std::vector<std::shared_ptr<config::Arch>> imported_;
  std::vector<std::shared_ptr<base::TextProtoFile>> imported_sources_;
  // Each file's message and source in the order they were merged, to find the file of an entry of
  // a repeated field.
  std::vector<std::pair<const config::Arch*, const base::TextProtoFile*>> merged_;
  // A variant's overridden fields, " (overridden: array2d.rows=64, ...)", added to its errors.
  std::string overrides_note_;
  std::shared_ptr<const std::string> structure_key_;  // shared by the variants that keep it
};

}  // namespace cascade::arch
