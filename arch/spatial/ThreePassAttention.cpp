#include "arch/spatial/ThreePassAttention.h"

namespace cascade::arch {

void account_three_pass_attention(const AttentionShape& shape, const PhaseEvaluator& phases,
                                  const ArchConfig& config, sim::Result& result) {
  const EnergyTable& e = phases.energy();
  const double n = shape.scores();
  const double macs = n * static_cast<double>(shape.qk_embed + shape.v_embed);
  result.add_energy("array2d", "mac", macs, e.pj("array2d", "mac"));
  result.add_energy("regfile2d", "read", macs, e.pj("regfile2d", "read"));
  result.add_energy("regfile2d", "write", macs, e.pj("regfile2d", "write"));
  // Softmax per score: max (GM), sub and exp (SN), add (SD), divide (A).
  const std::pair<const char*, double> softmax[] = {
      {"max", n}, {"add", 2 * n}, {"exp", n}, {"divide", n}};
  double actions = 0;
  for (const auto& [action, count] : softmax) {
    result.add_energy("array1d", action, count, e.pj("array1d", action));
    actions += count;
  }
  result.add_energy("regfile1d", "read", actions, e.pj("regfile1d", "read"));
  result.add_energy("regfile1d", "write", actions, e.pj("regfile1d", "write"));
  // Q and K stream into the 2D array for QK, V for AV, each value reused across a row or column.
  const auto& a = config.proto();
  const double word = a.word_bytes();
  const double operand_bytes = n * word *
                               (static_cast<double>(shape.qk_embed) *
                                    (1.0 / a.array2d().rows() + 1.0 / a.array2d().cols()) +
                                static_cast<double>(shape.v_embed) / a.array2d().rows());
  const double line = a.global_buffer().line_bytes();
  result.add_energy("global_buffer", "read", operand_bytes / line, e.pj("global_buffer", "read"));
  result.traffic_bytes[{"global_buffer", "read"}] += operand_bytes;
}

double three_pass_softmax_cycles(const AttentionShape& shape, const ArchConfig& config) {
  const auto& pe = config.proto().array1d();
  return 4.0 * shape.scores() / (static_cast<double>(pe.rows()) * pe.cols());
}

}  // namespace cascade::arch
