#include "validation/fusemax/FuseMaxReproduction.h"

#include <filesystem>
#include <map>
#include <sstream>

#include "arch/ModelRegistry.h"
#include "base/Format.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::validation {
namespace {

DesignRun run(const arch::Model& model, const workloads::Cascade& cascade, uint64_t seq_len,
              arch::Fidelity fidelity) {
  const auto sizes = workloads::bind_shapes(cascade, {{"M", seq_len}});
  const sim::Result r = model.evaluate(cascade, sizes, fidelity);
  DesignRun d;
  const auto& attention = r.phases.at("attention");
  d.attention_seconds = static_cast<double>(attention.first) / r.clock_hz;
  d.attention_pj = attention.second;
  d.total_seconds = r.seconds();
  d.total_pj = r.total_energy_pj();
  d.attention_util_2d = r.stats.at("attention.utilization.array2d");
  d.attention_util_1d = r.stats.at("attention.utilization.array1d");
  return d;
}

std::string num(double v, int digits) { return base::format("%.*f", digits, v); }

std::string seq_label(uint64_t seq) {
  return seq >= (1u << 20) ? std::to_string(seq >> 20) + "M" : std::to_string(seq >> 10) + "K";
}

}  // namespace

Reproduction reproduce_fusemax(const std::string& root, arch::Fidelity fidelity) {
  const std::filesystem::path base(root);
  const auto& registry = arch::ModelRegistry::builtin();
  std::map<std::string, std::unique_ptr<arch::Model>> models;
  std::vector<arch::ArchConfig> configs;
  for (const char* design : {"fusemax", "flat", "unfused"}) {
    const auto config =
        arch::ArchConfig::load((base / "configs/arch" / (std::string(design) + "_cloud.pbtxt")).string());
    models[design] = registry.create(config);
  }
  Reproduction r;
  r.fidelity = arch::to_string(fidelity);
  std::map<std::string, workloads::Cascade> cascades;
  for (const auto& paper :
       load_artifact_points((base / "validation/fusemax/artifact_points.csv").string())) {
    if (!cascades.count(paper.workload))
      cascades.emplace(paper.workload,
                       workloads::load_workload_file(
                           (base / "workloads/library/transformers" / (paper.workload + ".pbtxt")).string()));
    const auto& cascade = cascades.at(paper.workload);
    ReproducedPoint p;
    p.paper = paper;
    p.fusemax = run(*models.at("fusemax"), cascade, paper.seq_len, fidelity);
    p.flat = run(*models.at("flat"), cascade, paper.seq_len, fidelity);
    p.unfused = run(*models.at("unfused"), cascade, paper.seq_len, fidelity);
    r.points.push_back(p);
  }
  const auto mean = [&](auto metric) {
    double sum = 0;
    for (const auto& p : r.points) sum += metric(p);
    return r.points.empty() ? 0.0 : sum / static_cast<double>(r.points.size());
  };
  // The paper's abstract rounds the artifact's means (6.7226x, 0.7875, 5.3017x, 0.8335).
  r.headlines = {
      {"attention speedup over FLAT", 6.7, mean([](auto& p) { return p.attention_speedup_vs_flat(); }), 0.15},
      {"attention energy vs FLAT", 0.79, mean([](auto& p) { return p.attention_energy_vs_flat(); }), 0.15},
      {"end-to-end speedup over FLAT", 5.3, mean([](auto& p) { return p.e2e_speedup_vs_flat(); }), 0.15},
      {"end-to-end energy vs FLAT", 0.83, mean([](auto& p) { return p.e2e_energy_vs_flat(); }), 0.15},
  };
  return r;
}

std::string reproduction_csv(const Reproduction& r) {
  std::ostringstream out;
  out << "workload,seq_len,attn_speedup_flat,paper_attn_speedup_flat,attn_energy_flat,"
         "paper_attn_energy_flat,e2e_speedup_flat,paper_e2e_speedup_flat,e2e_energy_flat,"
         "paper_e2e_energy_flat,attn_speedup_unfused,paper_attn_speedup_unfused,"
         "attn_energy_unfused,paper_attn_energy_unfused,e2e_speedup_unfused,"
         "paper_e2e_speedup_unfused,e2e_energy_unfused,paper_e2e_energy_unfused,"
         "fusemax_util_2d,paper_fusemax_util_2d,"
         "fusemax_util_1d,paper_fusemax_util_1d,flat_util_2d,paper_flat_util_2d,flat_util_1d,"
         "paper_flat_util_1d\n";
  for (const auto& p : r.points) {
    const double values[] = {p.attention_speedup_vs_flat(), p.paper_attention_speedup_vs_flat(),
                             p.attention_energy_vs_flat(), p.paper_attention_energy_vs_flat(),
                             p.e2e_speedup_vs_flat(), p.paper_e2e_speedup_vs_flat(),
                             p.e2e_energy_vs_flat(), p.paper_e2e_energy_vs_flat(),
                             p.attention_speedup_vs_unfused(), p.paper_attention_speedup_vs_unfused(),
                             p.attention_energy_vs_unfused(), p.paper_attention_energy_vs_unfused(),
                             p.e2e_speedup_vs_unfused(), p.paper_e2e_speedup_vs_unfused(),
                             p.e2e_energy_vs_unfused(), p.paper_e2e_energy_vs_unfused(),
                             p.fusemax.attention_util_2d, p.paper.fusemax_util_2d,
                             p.fusemax.attention_util_1d, p.paper.fusemax_util_1d,
                             p.flat.attention_util_2d, p.paper.flat_util_2d,
                             p.flat.attention_util_1d, p.paper.flat_util_1d};
    out << p.paper.workload << "," << p.paper.seq_len;
    for (double v : values) out << "," << num(v, 6);
    out << "\n";
  }
  return out.str();
}

std::string reproduction_markdown(const Reproduction& r) {
  std::ostringstream out;
  out << "# FuseMax reproduction (" << r.fidelity << " fidelity)\n\n"
      << "Made by `cascade reproduce fusemax`. Paper: Nayak et al., \"FuseMax\", MICRO 2024; its "
         "numbers per point are the public artifact's stored results "
         "(`validation/fusemax/artifact_points.csv`). Speedup = baseline latency / FuseMax latency; "
         "energy = FuseMax / baseline. End to end = attention + projections and FFN of one layer.\n\n"
      << "## Headline averages (24 points: 4 models x 6 sequence lengths)\n\n"
      << "| metric | paper | ours | ours / paper | within 15% |\n|---|---|---|---|---|\n";
  for (const auto& h : r.headlines)
    out << "| " << h.name << " | " << num(h.paper, 2) << " | " << num(h.ours, 3) << " | "
        << num(h.ours / h.paper, 3) << " | " << (h.within() ? "yes" : "**no**") << " |\n";
  out << "\n## Per point\n\n"
      << "Each cell: ours / paper (ours / paper as a ratio).\n\n"
      << "| model | seq | attn speedup vs FLAT | attn energy vs FLAT | e2e speedup vs FLAT | e2e "
         "energy vs FLAT | attn speedup vs unfused | attn energy vs unfused | e2e speedup vs "
         "unfused | e2e energy vs unfused | FuseMax 2D util | FuseMax 1D util | FLAT 2D util | "
         "FLAT 1D util |\n"
      << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  const auto pair = [](double ours, double paper, int digits) {
    return num(ours, digits) + " / " + num(paper, digits) + " (" + num(ours / paper, 3) + ")";
  };
  for (const auto& p : r.points)
    out << "| " << p.paper.workload << " | " << seq_label(p.paper.seq_len) << " | "
        << pair(p.attention_speedup_vs_flat(), p.paper_attention_speedup_vs_flat(), 3) << " | "
        << pair(p.attention_energy_vs_flat(), p.paper_attention_energy_vs_flat(), 3) << " | "
        << pair(p.e2e_speedup_vs_flat(), p.paper_e2e_speedup_vs_flat(), 3) << " | "
        << pair(p.e2e_energy_vs_flat(), p.paper_e2e_energy_vs_flat(), 3) << " | "
        << pair(p.attention_speedup_vs_unfused(), p.paper_attention_speedup_vs_unfused(), 3) << " | "
        << pair(p.attention_energy_vs_unfused(), p.paper_attention_energy_vs_unfused(), 3) << " | "
        << pair(p.e2e_speedup_vs_unfused(), p.paper_e2e_speedup_vs_unfused(), 3) << " | "
        << pair(p.e2e_energy_vs_unfused(), p.paper_e2e_energy_vs_unfused(), 3) << " | "
        << pair(p.fusemax.attention_util_2d, p.paper.fusemax_util_2d, 4) << " | "
        << pair(p.fusemax.attention_util_1d, p.paper.fusemax_util_1d, 4) << " | "
        << pair(p.flat.attention_util_2d, p.paper.flat_util_2d, 4) << " | "
        << pair(p.flat.attention_util_1d, p.paper.flat_util_1d, 4) << " |\n";
  out << "\n## Where we differ from the paper, and why\n\n"
      << "- **Latency** follows the artifact's dataflows exactly (docs/fusemax-model.md Sec. 3-7), "
         "rounded up to whole cycles per phase. FLAT's DRAM traffic for XLM at 4K-64K differs by "
         "up to 2.1%: the artifact's spill term there does not follow its own 7-accesses rule; we "
         "keep the rule. Memory-bound FLAT points (256K, 1M) inherit that difference.\n"
      << "- **Energy**: the artifact's stored copy lacks its CACTI global-buffer energy and its "
         "register-file access counts. We use 20 nJ per 512-byte line for FLAT's 32 MiB buffer "
         "(inferred from the artifact's totals) scaled by the square root of capacity for "
         "FuseMax's 16 MiB, one register read and write per functional-unit action, and buffer "
         "accesses from the dataflow (operands reused across the array's rows and columns; every "
         "DRAM byte through the buffer). Energy ratios therefore differ by a few percent per point.\n"
      << "- **Activation**: our encoder layer applies GELU/ReLU on the 1D array while the 2D array "
         "computes the first FFN GEMM (hidden at every point); the artifact leaves activations out.\n";
  return out.str();
}

}  // namespace cascade::validation
