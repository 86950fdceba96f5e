#include "workloads/analysis/WorkloadAnalysis.h"

#include "base/CheckedMath.h"
#include "workloads/analysis/DependenceGraph.h"
#include "workloads/analysis/GatherVolume.h"
#include "workloads/analysis/OpCounts.h"
#include "workloads/analysis/PassAnalysis.h"
#include "workloads/analysis/ShapeBinding.h"

namespace cascade::workloads {
namespace {

void copy_ops(const OpCounts& ops, google::protobuf::RepeatedPtrField<config::OpCount>* out) {
  for (const auto& [kind, count] : ops.entries()) {
    auto* o = out->Add();
    o->set_kind(kind);
    o->set_count(count);
  }
}


}  // namespace

config::WorkloadReport analyze_workload(const Cascade& c,
                                        const std::map<std::string, uint64_t>& overrides) {
  const RankSizes sizes = bind_shapes(c, overrides);
  const DependenceGraph graph(c);
  const PassAnalysis passes = analyze_passes(c, graph);

  config::WorkloadReport report;
  report.set_name(c.name);
  report.set_description(c.description);
  for (const auto& [rank, size] : sizes.all()) (*report.mutable_rank_sizes())[rank] = size;

  const RankPassCount* pass_rank = nullptr;
  for (const auto& r : passes.ranks)
    if (r.rank == passes.pass_rank) pass_rank = &r;

  OpCounts total(c.file);
  for (size_t i = 0; i < c.einsums.size(); ++i) {
    const Einsum& e = c.einsums[i];
    auto* er = report.add_einsum();
    er->set_name(e.output.tensor);
    er->set_expression(e.to_string());
    er->set_iteration_points(iteration_points(e, c, sizes));
    for (size_t p : graph.predecessors(i)) er->add_depends_on(c.einsums[p].output.tensor);
    const OpCounts ops = count_ops(e, c, sizes);
    copy_ops(ops, er->mutable_ops());
    total += ops;
    er->set_pass(pass_rank ? static_cast<uint32_t>(pass_rank->einsum_pass[i]) : 0);
  }
  copy_ops(total, report.mutable_total_ops());

  uint64_t in_bytes = 0, out_bytes = 0, mid_bytes = 0;
  for (const auto& t : c.tensors) {
    auto* tr = report.add_tensor();
    tr->set_name(t.name);
    const int w = c.writer_of(t.name);
    const std::string role = w < 0                                        ? "input"
                             : graph.read_by_others(static_cast<size_t>(w)) ? "intermediate"
                                                                            : "output";
    tr->set_role(role);
    for (const auto& r : t.ranks) tr->add_ranks(r);
    const uint64_t elements = tensor_element_count(c, t, sizes);
    tr->set_type(to_string(t.type));
    tr->set_elements(elements);
    const auto width = static_cast<uint64_t>(element_bytes(t.type));
    tr->set_bytes(checked_mul(elements, width, c, "the size of tensor", t.name));
    const uint64_t bytes = checked_mul(touched_elements(c, t, sizes), width, c, "the size of tensor", t.name);
    tr->set_touched_bytes(bytes);
    uint64_t& sum = role == "input" ? in_bytes : role == "output" ? out_bytes : mid_bytes;
    const auto added = base::checked_add(sum, bytes);
    if (!added) throw base::InputError(c.file, {}, "the bytes of the " + role + " tensors overflow 64 bits at these rank sizes");
    sum = *added;
  }
  // The report's minimum data volume is their sum.
  if (!base::checked_add(in_bytes, out_bytes))
    throw base::InputError(c.file, {}, "the minimum data volume overflows 64 bits at these rank sizes");
  report.set_input_bytes(in_bytes);
  report.set_output_bytes(out_bytes);
  report.set_intermediate_bytes(mid_bytes);

  report.set_passes(static_cast<uint32_t>(passes.passes));
  report.set_pass_rank(passes.pass_rank);
  for (const auto& r : passes.ranks) {
    auto* rp = report.add_rank_passes();
    rp->set_rank(r.rank);
    rp->set_passes(static_cast<uint32_t>(r.passes));
  }
  return report;
}

}  // namespace cascade::workloads
