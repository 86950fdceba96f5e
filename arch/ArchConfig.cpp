#include "arch/ArchConfig.h"

#include <set>

#include "base/InputFile.h"
#include "base/ProtoOverride.h"
#include "base/Text.h"

namespace cascade::arch {

using Step = base::TextProtoFile::Step;

namespace {

// The most levels of imports a config may chain.
constexpr size_t kMaxImportDepth = 8;

std::shared_ptr<const std::string> make_structure_key(const std::string& file, const config::Arch& a) {
  std::string k;
  const auto add = [&k](const std::string& part) {
    k += std::to_string(part.size());
    k += ':';
    k += part;
  };
  add(file);
  add(a.name());
  add(a.mapping().SerializeAsString());
  for (const config::PeArray* pe : {&a.array2d(), &a.array1d()}) {
    k += '|';
    for (const auto& cost : pe->op_cost()) add(cost.SerializeAsString());
  }
  k += '|';
  for (const auto& e : a.energy()) {
    add(e.component());
    add(e.action());
  }
  return std::make_shared<const std::string>(std::move(k));
}

// Whether setting the field at `path` can change ArchConfig::structure_key.
bool touches_structure(const std::string& path) {
  for (const char* part : {"name", "mapping", "array2d.op_cost", "array1d.op_cost", "energy"})
    if (path.compare(0, std::string(part).size(), part) == 0) return true;
  return false;
}

}  // namespace

ArchConfig::ArchConfig(const std::string& text, const std::string& file)
    : proto_(std::make_shared<config::Arch>()) {
  auto own = std::make_shared<config::Arch>();
  source_ = std::make_shared<base::TextProtoFile>(text, file, *own);
  std::vector<std::string> chain = {file};
  merge_imports(*own, *source_, chain);
  proto_->MergeFrom(*own);
  proto_->clear_import();
  merged_.push_back({own.get(), source_.get()});
  imported_.push_back(own);  // keeps the message source_ points into alive
  validate();
  structure_key_ = make_structure_key(file, *proto_);
}

void ArchConfig::merge_imports(const config::Arch& message, const base::TextProtoFile& from,
                               std::vector<std::string>& chain) {
  for (int i = 0; i < message.import_size(); ++i) {
    const std::string path = base::directory_of(from.file()) + message.import(i);
    const auto fail_import = [&](const std::string& why) {
      from.fail(from.locate({{"import", i}}), "import '" + base::printable(message.import(i)) + "': " + why);
    };
    if (chain.size() > kMaxImportDepth) fail_import("imports nest deeper than " + std::to_string(kMaxImportDepth) + " levels");
    for (const auto& f : chain)
      if (f == path) fail_import("a cycle of imports (" + base::printable(path) + " imports itself)");
    auto imported = std::make_shared<config::Arch>();
    std::string text;
    try {
      text = base::TextProtoFile::read(path);
    } catch (const base::InputError& e) {
      fail_import(e.message());
    }
    auto source = std::make_shared<base::TextProtoFile>(text, path, *imported);
    imported_.push_back(imported);
    imported_sources_.push_back(source);
    chain.push_back(path);
    merge_imports(*imported, *source, chain);
    chain.pop_back();
    imported->clear_import();
    proto_->MergeFrom(*imported);
    merged_.push_back({imported.get(), source.get()});
  }
}

ArchConfig ArchConfig::load(const std::string& path) {
  return ArchConfig(base::TextProtoFile::read(path), path);
}

std::string ArchConfig::unit_name(config::Unit unit) {
  return unit == config::ARRAY2D ? "array2d" : unit == config::ARRAY1D ? "array1d" : "";
}

ArchConfig ArchConfig::with_overrides(const std::vector<std::pair<std::string, std::string>>& overrides) const {
  ArchConfig variant = *this;
  if (overrides.empty()) return variant;
  variant.proto_ = std::make_shared<config::Arch>(*proto_);
  std::string named;
  bool structure = false, negative = false;
  for (const auto& [path, value] : overrides) {
    base::set_field_by_path(*variant.proto_, path, value);
    named += (named.empty() ? "" : ", ") + base::printable(path) + "=" + base::printable(value);
    structure = structure || touches_structure(path);
    negative = negative || value.find('-') != std::string::npos;
  }
  variant.overrides_note_ = overrides_note_.empty() ? " (overridden: " + named + ")"
                                                    : overrides_note_.substr(0, overrides_note_.size() - 1) + ", " +
                                                          named + ")";
  // The files' own numbers were checked when this config was read; only a value set here can be a
  // bad one, and set_field_by_path takes only finite numbers: a negative one has a '-'.
  if (negative)
    if (const auto bad = base::find_bad_number(*variant.proto_)) variant.fail(bad->path, bad->message());
  variant.validate_fields();
  if (structure) variant.structure_key_ = make_structure_key(file(), *variant.proto_);
  return variant;
}

void ArchConfig::fail(std::initializer_list<Step> path, const std::string& message) const {
  fail(std::vector<Step>(path), message);
}

void ArchConfig::fail(const std::vector<Step>& steps, const std::string& message) const {
  // An entry of a repeated field is the one of the file that wrote it: the merged list holds each
  // file's entries in merge order.
  if (!steps.empty() && steps.front().index >= 0) {
    const auto* field = config::Arch::descriptor()->FindFieldByName(steps.front().field);
    if (field && field->is_repeated()) {
      int index = steps.front().index;
      for (const auto& [written, source] : merged_) {
        const int n = written->GetReflection()->FieldSize(*written, field);
        if (index < n) {
          std::vector<Step> local = steps;
          local.front().index = index;
          source->fail(source->locate(local), message + overrides_note_);
        }
        index -= n;
      }
    }
  }
  // Point at the deepest field written, in this file or the import that writes more of the path; a
  // missing field is reported at its enclosing message.
  const base::TextProtoFile* best = source_.get();
  size_t depth = source_->written_depth(steps);
  for (auto it = imported_sources_.rbegin(); it != imported_sources_.rend(); ++it)
    if ((*it)->written_depth(steps) > depth) {
      depth = (*it)->written_depth(steps);
      best = it->get();
    }
  best->fail(best->locate(steps), message + overrides_note_);
}

void ArchConfig::validate() const {
  source_->require_finite_non_negative_numbers();
  for (const auto& s : imported_sources_) s->require_finite_non_negative_numbers();
  validate_fields();
}

void ArchConfig::validate_fields() const {
  const config::Arch& a = *proto_;
  const auto missing = [&](std::initializer_list<Step> path, const std::string& field) {
    fail(path, "missing field '" + field + "'");
  };
  if (a.name().empty()) missing({}, "name");
  if (!base::is_printable(a.name())) fail({{"name"}}, "the name has a control character (a newline?)");
  if (a.model_case() == config::Arch::MODEL_NOT_SET)
    fail({}, "no model: set one of fusemax {}, flat { choice {...} }, unfused {}");
  if (!(a.clock_hz() > 0)) {
    if (a.clock_hz() == 0) missing({}, "clock_hz");
    fail({{"clock_hz"}}, "clock_hz must be positive");
  }
  if (a.word_bytes() == 0) missing({}, "word_bytes");
  // Upper bounds far beyond any accelerator's, so that every product of them stays exact.
  const auto at_most = [&](std::initializer_list<Step> path, const std::string& field, uint64_t value, uint64_t most) {
    if (value > most) fail(path, field + " of " + std::to_string(value) + " is above " + std::to_string(most));
  };
  at_most({{"word_bytes"}}, "word_bytes", a.word_bytes(), 64);
  at_most({{"global_buffer"}, {"capacity_bytes"}}, "global_buffer: capacity_bytes", a.global_buffer().capacity_bytes(),
          uint64_t{1} << 50);
  at_most({{"global_buffer"}, {"line_bytes"}}, "global_buffer: line_bytes", a.global_buffer().line_bytes(), 1 << 20);
  at_most({{"global_buffer"}, {"banks"}}, "global_buffer: banks", a.global_buffer().banks(), 1 << 16);
  at_most({{"dram"}, {"latency_cycles"}}, "dram: latency_cycles", a.dram().latency_cycles(), 1 << 24);
  for (const char* array : {"array2d", "array1d"}) {
    const auto& pe = array == std::string("array2d") ? a.array2d() : a.array1d();
    if (pe.rows() == 0 || pe.cols() == 0)
      fail({{array}}, std::string(array) + " has 0 PEs: give rows and cols of at least 1");
    at_most({{array}, {"rows"}}, std::string(array) + ": rows", pe.rows(), 1 << 16);
    at_most({{array}, {"cols"}}, std::string(array) + ": cols", pe.cols(), 1 << 16);
    at_most({{array}, {"register_file_depth"}}, std::string(array) + ": register_file_depth", pe.register_file_depth(),
            1 << 24);
    std::set<std::string> ops;
    for (int i = 0; i < pe.op_cost_size(); ++i) {
      const auto& cost = pe.op_cost(i);
      if (!ops.insert(cost.op()).second)
        fail({{array}, {"op_cost", i}}, std::string(array) + ": op_cost for '" + cost.op() + "' given twice");
      if (cost.cycles() == 0)
        fail({{array}, {"op_cost", i}}, std::string(array) + ": op_cost '" + cost.op() + "' needs cycles of at least 1");
      at_most({{array}, {"op_cost", i}}, std::string(array) + ": op_cost '" + cost.op() + "' cycles", cost.cycles(),
              1 << 20);
      for (const auto& action : cost.actions())
        at_most({{array}, {"op_cost", i}}, std::string(array) + ": op_cost '" + cost.op() + "' action count",
                action.count(), 1 << 20);
    }
  }
  if (a.global_buffer().capacity_bytes() == 0)
    fail({{"global_buffer"}}, "global_buffer: capacity_bytes must be positive");
  if (a.global_buffer().line_bytes() == 0)
    fail({{"global_buffer"}}, "global_buffer: line_bytes must be positive");
  if (!(a.dram().bandwidth_bytes_per_second() > 0))
    fail({{"dram"}}, "dram: bandwidth_bytes_per_second must be positive");
  for (int i = 0; i < a.energy_size(); ++i) {
    const auto& e = a.energy(i);
    if (e.component().empty() || e.action().empty())
      fail({{"energy", i}}, "energy: give both component and action");
    if (!(e.picojoules() >= 0)) fail({{"energy", i}, {"picojoules"}}, "energy: picojoules must be >= 0");
  }
  std::set<std::string> bound, phases;
  for (int i = 0; i < a.mapping().phase_size(); ++i)
    if (!phases.insert(a.mapping().phase(i).name()).second)
      fail({{"mapping"}, {"phase", i}}, "mapping: phase '" + a.mapping().phase(i).name() + "' given twice");
  if (a.mapping().has_tiling() && !phases.count(a.mapping().tiling().phase()))
    fail({{"mapping"}, {"tiling"}, {"phase"}},
         "mapping tiling: phase '" + a.mapping().tiling().phase() + "' is not one of the mapping's phases");
  for (int i = 0; i < a.flat().choice_size(); ++i) {
    const auto& c = a.flat().choice(i);
    if (c.stationarity() != "output" && c.stationarity() != "weight")
      fail({{"flat"}, {"choice", i}, {"stationarity"}},
           "flat choice: stationarity '" + c.stationarity() + "': expected output or weight");
    if (c.stationarity() == "weight" && c.p1() == 0)
      fail({{"flat"}, {"choice", i}, {"p1"}}, "flat choice: weight stationarity needs p1 of at least 1");
    if (c.proportion_spilled() > 1)
      fail({{"flat"}, {"choice", i}, {"proportion_spilled"}}, "flat choice: proportion_spilled is a fraction: at most 1");
  }
  for (int i = 0; i < a.mapping().binding_size(); ++i) {
    const auto& b = a.mapping().binding(i);
    if (!bound.insert(b.einsum()).second)
      fail({{"mapping"}, {"binding", i}}, "mapping binds Einsum '" + b.einsum() + "' twice");
    if (b.unit() != config::ARRAY2D && b.unit() != config::ARRAY1D)
      fail({{"mapping"}, {"binding", i}}, "mapping binds Einsum '" + b.einsum() + "' to no unit (ARRAY2D or ARRAY1D)");
  }
}

}  // namespace cascade::arch
