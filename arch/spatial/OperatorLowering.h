#pragma once

#include <optional>
#include <string>

#include "arch/ArchConfig.h"
#include "arch/Model.h"
#include "workloads/analysis/ShapeBinding.h"
#include "workloads/ir/Cascade.h"

namespace cascade::arch {

// How a spatial model takes a workload's ATTENTION operator when lowering it.
enum class AttentionLowering {
  // Rewritten as FuseMax's partitioned 1-pass cascade (the Einsums and names of the config's
  // attention phase: BQK, LM, RM, SLN, SLD, SLNV, PRM, SPD, RD, SPNV, RNV and the output), reading
  // the operator's Q, K and V with the keys split into chunks of the tiling's key_chunk: FuseMax
  // runs any attention its way, as its paper runs every model's.
  kFuseMaxCascade,
  // Kept as written: the model computes the attention from its shape (FLAT, unfused).
  kAsWritten,
};

// A workload grouped into operators (workload files' `operator` entries, e.g. the decoder layers)
// as a spatial config's mapping can take it, when that mapping does not name the workload's
// Einsums (the shipped mappings name the FuseMax paper's cascades). The lowered config keeps the
// hardware and the attention phase (its stages, bindings and tiling, with the tiling's tensors
// renamed to the operator's Q, K, V and output) and replaces the other phases by one per
// operator, in cascade order:
//  - LINEAR: its GEMM-shaped Einsums on the 2D array, its other Einsums (bias, activation) on the
//    1D array, in one stage (as FuseMax's ffn1 drains its activation through the 1D array);
//  - NORMALIZATION, ELEMENTWISE, and an Einsum of its own that is no GEMM: the 1D array;
//  - an Einsum of its own that is a GEMM: the 2D array.
// The attention's mask (causal) is not exploited: the shipped dataflows visit every key chunk of
// every query tile; `mask_ignored` says so. Nothing when the config's mapping names every Einsum
// of the workload (it is evaluated as it is). Throws InputError when it names only some, when the
// workload has no operators to lower, more than one ATTENTION operator, or one whose shape the
// lowering cannot take (not one query and one key index; a rank the partition would shadow).
struct LoweredWorkload {
  workloads::Cascade cascade;
  config::Mapping mapping;  // the lowered mapping
  std::string config_text;  // the config with the lowered mapping, as text (lowered_config_text)
  std::string config_file;  // what its errors name
  bool mask_ignored = false;
};
std::optional<LoweredWorkload> lower_operators(const ArchConfig& config, const workloads::Cascade& cascade,
                                               AttentionLowering attention);

// `config` with the lowered mapping, as text: the lowering depends only on the mapping, so one
// lowering serves every config that differs from it in numbers.
std::string lowered_config_text(const ArchConfig& config, const config::Mapping& lowered_mapping);

// Evaluates `model` (built from the lowered config) on the lowered workload at the rank sizes the
// original was bound to, with `cache` (or none) for the lowered workload; the record says whether a
// mask was ignored (stats "attention.mask_ignored").
sim::Result evaluate_lowered(const Model& model, const LoweredWorkload& lowered, const workloads::Cascade& original,
                             const workloads::RankSizes& sizes, Fidelity fidelity, EvaluationCache* cache = nullptr);

}  // namespace cascade::arch
