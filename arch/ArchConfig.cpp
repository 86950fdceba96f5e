#include "arch/ArchConfig.h"

#include <set>

namespace cascade::arch {

using Step = base::TextProtoFile::Step;

ArchConfig::ArchConfig(const std::string& text, const std::string& file)
    : proto_(std::make_shared<config::Arch>()),
      source_(std::make_shared<base::TextProtoFile>(text, file, *proto_)) {
  validate();
}

ArchConfig ArchConfig::load(const std::string& path) {
  return ArchConfig(base::TextProtoFile::read(path), path);
}

void ArchConfig::fail(std::initializer_list<Step> path, const std::string& message) const {
  // Point at the deepest field written; a missing field is reported at its enclosing message.
  source_->fail(source_->locate(path), message);
}

void ArchConfig::validate() const {
  const config::Arch& a = *proto_;
  const auto missing = [&](std::initializer_list<Step> path, const std::string& field) {
    fail(path, "missing field '" + field + "'");
  };
  if (a.name().empty()) missing({}, "name");
  if (a.model().empty()) missing({}, "model");
  if (!(a.clock_hz() > 0)) {
    if (a.clock_hz() == 0) missing({}, "clock_hz");
    fail({{"clock_hz"}}, "clock_hz must be positive");
  }
  if (a.word_bytes() == 0) missing({}, "word_bytes");
  for (const char* array : {"array2d", "array1d"}) {
    const auto& pe = array == std::string("array2d") ? a.array2d() : a.array1d();
    if (pe.rows() == 0 || pe.cols() == 0)
      fail({{array}}, std::string(array) + " has 0 PEs: give rows and cols of at least 1");
    std::set<std::string> ops;
    for (int i = 0; i < pe.op_cost_size(); ++i) {
      const auto& cost = pe.op_cost(i);
      if (!ops.insert(cost.op()).second)
        fail({{array}, {"op_cost", i}}, std::string(array) + ": op_cost for '" + cost.op() + "' given twice");
      if (cost.cycles() == 0)
        fail({{array}, {"op_cost", i}}, std::string(array) + ": op_cost '" + cost.op() + "' needs cycles of at least 1");
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
  for (int i = 0; i < a.mapping().binding_size(); ++i) {
    const auto& b = a.mapping().binding(i);
    if (b.unit() != "array2d" && b.unit() != "array1d")
      fail({{"mapping"}, {"binding", i}, {"unit"}},
           "mapping binds Einsum '" + b.einsum() + "' to unit '" + b.unit() +
               "', which does not exist (units: array2d, array1d)");
  }
}

}  // namespace cascade::arch
