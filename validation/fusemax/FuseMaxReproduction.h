#pragma once

#include <string>
#include <vector>

#include "arch/Model.h"
#include "validation/fusemax/ArtifactPoints.h"

namespace cascade::validation {

// What one design did on one point: attention alone (the mapping's "attention" phase) and the
// whole encoder layer.
struct DesignRun {
  double attention_seconds = 0, attention_pj = 0, total_seconds = 0, total_pj = 0;
  double attention_util_2d = 0, attention_util_1d = 0;
};

struct ReproducedPoint {
  ArtifactPoint paper;
  DesignRun fusemax, flat, unfused;

  // Ours and the artifact's: speedup of FuseMax over a baseline, and FuseMax's energy as a
  // fraction of the baseline's, for attention and end to end.
  double attention_speedup_vs_flat() const { return flat.attention_seconds / fusemax.attention_seconds; }
  double attention_energy_vs_flat() const { return fusemax.attention_pj / flat.attention_pj; }
  double e2e_speedup_vs_flat() const { return flat.total_seconds / fusemax.total_seconds; }
  double e2e_energy_vs_flat() const { return fusemax.total_pj / flat.total_pj; }
  double attention_speedup_vs_unfused() const { return unfused.attention_seconds / fusemax.attention_seconds; }
  double attention_energy_vs_unfused() const { return fusemax.attention_pj / unfused.attention_pj; }
  double e2e_speedup_vs_unfused() const { return unfused.total_seconds / fusemax.total_seconds; }
  double e2e_energy_vs_unfused() const { return fusemax.total_pj / unfused.total_pj; }
  double paper_attention_speedup_vs_flat() const { return paper.flat_latency / paper.fusemax_latency; }
  double paper_attention_energy_vs_flat() const { return paper.fusemax_energy / paper.flat_energy; }
  double paper_e2e_speedup_vs_flat() const {
    return (paper.flat_latency + paper.rest_flat_latency) /
           (paper.fusemax_latency + paper.rest_fusemax_latency);
  }
  double paper_e2e_energy_vs_flat() const {
    return (paper.fusemax_energy + paper.rest_fusemax_energy) /
           (paper.flat_energy + paper.rest_flat_energy);
  }
  double paper_attention_speedup_vs_unfused() const { return paper.unfused_latency / paper.fusemax_latency; }
  double paper_attention_energy_vs_unfused() const { return paper.fusemax_energy / paper.unfused_energy; }
  // The artifact runs the unfused baseline's rest of the model on FLAT's platform.
  double paper_e2e_speedup_vs_unfused() const {
    return (paper.unfused_latency + paper.rest_flat_latency) /
           (paper.fusemax_latency + paper.rest_fusemax_latency);
  }
  double paper_e2e_energy_vs_unfused() const {
    return (paper.fusemax_energy + paper.rest_fusemax_energy) /
           (paper.unfused_energy + paper.rest_flat_energy);
  }
};

// One headline average: the paper's, ours, and whether ours is within the tolerance.
struct Headline {
  std::string name;
  double paper = 0, ours = 0, tolerance = 0;
  bool within() const { return ours >= paper * (1 - tolerance) && ours <= paper * (1 + tolerance); }
};

struct Reproduction {
  std::string fidelity;
  std::vector<ReproducedPoint> points;
  std::vector<Headline> headlines;
};

// Runs FuseMax, FLAT and unfused (configs/arch/*_cloud.pbtxt) on the four transformers of the
// paper (workloads/library/transformers/) at every point of the artifact's table, from the
// repository at `root`. Headlines: the FuseMax paper's abstract (../shared/reference/fusemax.md):
// 6.7x attention speedup over FLAT at 79% of its energy, 5.3x end to end at 83%, each within 15%.
Reproduction reproduce_fusemax(const std::string& root, arch::Fidelity fidelity);

// The table as Markdown (with the paper's numbers beside ours, and the notes on where we differ)
// and as CSV.
std::string reproduction_markdown(const Reproduction& r);
std::string reproduction_csv(const Reproduction& r);

}  // namespace cascade::validation
