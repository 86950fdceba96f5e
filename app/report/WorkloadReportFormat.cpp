#include "app/report/WorkloadReportFormat.h"

#include <iomanip>
#include <sstream>

#include "app/report/ProtoJson.h"

namespace cascade::app {
namespace {

std::string ops_text(const google::protobuf::RepeatedPtrField<config::OpCount>& ops) {
  std::string s;
  for (const auto& o : ops) {
    if (!s.empty()) s += ", ";
    s += o.kind() + " " + std::to_string(o.count());
  }
  return s.empty() ? "-" : s;
}

}  // namespace

std::string format_workload_text(const config::WorkloadReport& r) {
  std::ostringstream out;
  out << r.name();
  if (!r.description().empty()) out << " - " << r.description();
  out << "\nranks:";
  for (const auto& [rank, size] : std::map<std::string, uint64_t>(r.rank_sizes().begin(),
                                                                  r.rank_sizes().end()))
    out << " " << rank << "=" << size;

  size_t width = 6;
  for (const auto& e : r.einsum()) width = std::max(width, e.expression().size());
  out << "\n\nEinsums (" << r.einsum_size() << ")\n";
  out << "  " << std::left << std::setw(static_cast<int>(width)) << "einsum" << "  "
      << std::right << std::setw(20) << "iteration points" << "  pass  operations\n";
  for (const auto& e : r.einsum()) {
    out << "  " << std::left << std::setw(static_cast<int>(width)) << e.expression() << "  "
        << std::right << std::setw(20) << e.iteration_points() << "  " << std::setw(4)
        << (e.pass() ? std::to_string(e.pass()) : "-") << "  " << ops_text(e.ops()) << "\n";
  }
  out << "\ndependences (Einsum <- the Einsums whose outputs it reads):\n";
  for (const auto& e : r.einsum()) {
    out << "  " << e.name() << " <-";
    if (e.depends_on().empty()) out << " inputs only";
    for (int i = 0; i < e.depends_on_size(); ++i) out << (i ? ", " : " ") << e.depends_on(i);
    out << "\n";
  }
  out << "\noperations, whole cascade: " << ops_text(r.total_ops()) << "\n";

  out << "passes: " << r.passes();
  if (!r.pass_rank().empty()) out << " over " << r.pass_rank();
  out << " (per rank:";
  for (const auto& rp : r.rank_passes()) out << " " << rp.rank() << "=" << rp.passes();
  out << ")\n";

  // Columns as wide as their longest entry (at least as before: 8 and 18 characters).
  const auto ranks_of = [](const config::TensorReport& t) {
    std::string ranks = "[";
    for (int i = 0; i < t.ranks_size(); ++i) ranks += (i ? "," : "") + t.ranks(i);
    return ranks + "]";
  };
  size_t name_width = 7, ranks_width = 17;
  for (const auto& t : r.tensor()) {
    name_width = std::max(name_width, t.name().size());
    ranks_width = std::max(ranks_width, ranks_of(t).size());
  }
  const auto name_w = static_cast<int>(name_width + 1), ranks_w = static_cast<int>(ranks_width + 1);
  out << "\nTensors\n  " << std::left << std::setw(name_w) << "name" << std::setw(14) << "role"
      << std::setw(ranks_w) << "ranks" << std::setw(6) << "type" << std::right << std::setw(18)
      << "elements" << std::setw(20) << "bytes" << "\n";
  for (const auto& t : r.tensor()) {
    out << "  " << std::left << std::setw(name_w) << t.name() << std::setw(14) << t.role()
        << std::setw(ranks_w) << ranks_of(t) << std::setw(6) << t.type() << std::right << std::setw(18)
        << t.elements() << std::setw(20) << t.bytes() << "\n";
  }
  for (const auto& t : r.tensor())
    if (t.touched_bytes() < t.bytes())
      out << "  " << t.name() << " is read through gathers: its lookups touch at most " << t.touched_bytes()
          << " of its " << t.bytes() << " B\n";
  out << "\nminimum data volume: inputs " << r.input_bytes() << " B + outputs " << r.output_bytes()
      << " B = " << r.input_bytes() + r.output_bytes() << " B; intermediates "
      << r.intermediate_bytes() << " B if all were kept\n";
  return out.str();
}

std::string format_workload_json(const config::WorkloadReport& report) {
  return proto_to_json(report);
}

}  // namespace cascade::app
