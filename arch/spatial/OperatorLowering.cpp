#include "arch/spatial/OperatorLowering.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <map>
#include <set>

#include "arch/spatial/PhaseEvaluator.h"
#include "configs/workload.pb.h"
#include "workloads/analysis/OperatorStructure.h"
#include "workloads/parser/EinsumParser.h"
#include "workloads/parser/WorkloadLoader.h"
#include "workloads/parser/WorkloadPrinter.h"

namespace cascade::arch {
namespace {

using workloads::Cascade;
using Names = std::set<std::string>;
using workloads::rank_of_variable;

// The Einsums of FuseMax's partitioned 1-pass attention cascade, by the names its configs map
// (workloads/library/transformers/bert_base.pbtxt); "AV" is its output.
const std::vector<std::string> kFuseMaxEinsums = {"BQK", "LM", "RM", "SLN", "SLD", "SLNV",
                                                  "PRM", "SPD", "RD", "SPNV", "RNV", "AV"};

Names phase_names(const config::Phase& phase) {
  const std::vector<std::string> names = phase_einsum_names(phase);
  return Names(names.begin(), names.end());
}

std::string join(const std::vector<std::string>& names, const char* sep) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : sep) + n;
  return s;
}

// An access as written, with the key variable `key` replaced by the chunk and offset within it.
std::string chunked(const workloads::Access& a, const std::string& key, const std::string& outer,
                    const std::string& inner_rank, const std::string& inner) {
  std::vector<std::string> indices;
  for (const auto& idx : a.indices)
    indices.push_back(idx.form == workloads::IndexExpr::Form::Variable && idx.var == key
                          ? outer + "*" + inner_rank + "+" + inner
                          : idx.to_string());
  return a.tensor + "[" + join(indices, ",") + "]";
}

const workloads::Access* access_of(const Cascade& c, const std::vector<size_t>& einsums, const std::string& tensor) {
  for (size_t i : einsums) {
    std::vector<const workloads::Access*> reads;
    c.einsums[i].rhs->collect_accesses(reads);
    for (const auto* r : reads)
      if (r->tensor == tensor) return r;
  }
  return nullptr;
}

[[noreturn]] void fail(const Cascade& c, const workloads::Operator& op, const std::string& message) {
  throw base::InputError(c.file, op.pos, "operator '" + op.name + "' cannot be lowered onto the arrays: " + message);
}

// FuseMax's cascade for an attention operator: its Einsums and tensors as workload-file entries,
// added to `w` at Einsum position `at`; the tiling's tensors renamed in `rename`.
void add_fusemax_attention(const ArchConfig& config, const Cascade& c, const workloads::Operator& op,
                           const workloads::AttentionStructure& a, config::Workload& w, int at,
                           std::map<std::string, std::string>& rename) {
  if (a.queries.size() != 1 || a.keys.size() != 1 || a.v_embed.size() != 1 || a.batch.size() > 2)
    fail(c, op, "FuseMax's cascade needs one query index, one key index, one value-embedding index and at most "
                "two batch indices");
  const std::string key = *a.keys.begin(), query = *a.queries.begin(), f = *a.v_embed.begin();
  const std::string key_rank = rank_of_variable(key);
  if (!c.find_rank(key_rank)) fail(c, op, "the key rank " + key_rank + " is a partition part");
  const std::string outer_rank = key_rank + "1", inner_rank = key_rank + "0";
  const std::string outer = key + "1", inner = key + "0";
  if (c.find_rank(outer_rank) || c.find_partition_making(outer_rank) || c.find_rank(inner_rank) ||
      c.find_partition_making(inner_rank))
    fail(c, op, "the ranks " + outer_rank + " and " + inner_rank + " its key chunks need are taken");
  // Batch indices in the order the score writes them.
  std::vector<std::string> batch;
  for (const auto& idx : c.einsums[a.score].output.indices)
    if (a.batch.count(idx.var)) batch.push_back(idx.var);
  const auto with = [&](std::vector<std::string> tail) {
    std::vector<std::string> v = batch;
    v.insert(v.end(), tail.begin(), tail.end());
    return join(v, ",");
  };
  const auto ranks = [&](std::vector<std::string> tail) {
    std::vector<std::string> v;
    for (const auto& b : batch) v.push_back(rank_of_variable(b));
    for (const auto& t : tail) v.push_back(t);
    return v;
  };
  for (const auto& name : kFuseMaxEinsums)
    if (name != "AV" && c.find_tensor(name))
      fail(c, op, "the workload already has a tensor '" + name + "', which FuseMax's cascade writes");
  const workloads::Access* q = access_of(c, op.einsums, a.q);
  const workloads::Access* k = access_of(c, op.einsums, a.k);
  const workloads::Access* v = access_of(c, op.einsums, a.v);
  const workloads::Access& out = c.einsums[static_cast<size_t>(c.writer_of(a.output))].output;
  const std::string P = rank_of_variable(query), F = rank_of_variable(f);
  // FuseMax's intermediates take the type of the score they replace.
  config::ElementType type = config::BF16;
  for (const auto& t : w.tensor())
    if (t.name() == c.einsums[a.score].output.tensor) type = t.type();

  auto* part = w.add_partition();
  part->set_rank(key_rank);
  part->set_outer(outer_rank);
  part->set_inner(inner_rank);
  part->set_inner_size(config.proto().mapping().tiling().key_chunk());
  const std::pair<const char*, std::vector<std::string>> tensors[] = {
      {"BQK", ranks({outer_rank, inner_rank, P})}, {"LM", ranks({outer_rank, P})},  {"RM", ranks({outer_rank, P})},
      {"SLN", ranks({outer_rank, inner_rank, P})}, {"SLD", ranks({outer_rank, P})}, {"SLNV", ranks({F, outer_rank, P})},
      {"PRM", ranks({outer_rank, P})},             {"SPD", ranks({outer_rank, P})}, {"RD", ranks({outer_rank, P})},
      {"SPNV", ranks({F, outer_rank, P})},         {"RNV", ranks({F, outer_rank, P})}};
  for (const auto& [name, tensor_ranks] : tensors) {
    auto* t = w.add_tensor();
    t->set_name(name);
    for (const auto& r : tensor_ranks) t->add_ranks(r);
    t->set_type(type);
    if (std::string(name) == "RM") t->set_initial("-inf");
    if (std::string(name) == "RD" || std::string(name) == "RNV") t->set_initial("0");
  }
  const std::string m1p = with({outer, query}), m1m0p = with({outer, inner, query}), fm1p = with({f, outer, query});
  const std::string next = with({outer + "+1", query});
  const std::vector<std::string> einsums = {
      "BQK[" + m1m0p + "] = " + q->to_string() + " * " + chunked(*k, key, outer, inner_rank, inner),
      "LM[" + m1p + "] = max[" + inner + "](BQK[" + m1m0p + "])",
      "RM[" + next + "] = max(RM[" + m1p + "], LM[" + m1p + "])",
      "SLN[" + m1m0p + "] = exp(BQK[" + m1m0p + "] - RM[" + next + "])",
      "SLD[" + m1p + "] = SLN[" + m1m0p + "]",
      "SLNV[" + fm1p + "] = SLN[" + m1m0p + "] * " + chunked(*v, key, outer, inner_rank, inner),
      "PRM[" + m1p + "] = exp(RM[" + m1p + "] - RM[" + next + "])",
      "SPD[" + m1p + "] = RD[" + m1p + "] * PRM[" + m1p + "]",
      "RD[" + next + "] = SLD[" + m1p + "] + SPD[" + m1p + "]",
      "SPNV[" + fm1p + "] = RNV[" + fm1p + "] * PRM[" + m1p + "]",
      "RNV[" + with({f, outer + "+1", query}) + "] = SLNV[" + fm1p + "] + SPNV[" + fm1p + "]",
      out.to_string() + " = RNV[" + with({f, outer_rank, query}) + "] / RD[" + with({outer_rank, query}) + "]"};
  auto* list = w.mutable_einsum();
  list->Reserve(list->size() + static_cast<int>(einsums.size()));
  for (size_t i = 0; i < einsums.size(); ++i) {
    list->Add(std::string(einsums[i]));
    for (int j = list->size() - 1; j > at + static_cast<int>(i); --j) list->SwapElements(j, j - 1);
  }
  rename = {{"Q", a.q}, {"BK", a.k}, {"BV", a.v}, {"AV", a.output}};
}

}  // namespace

std::optional<LoweredWorkload> lower_operators(const ArchConfig& config, const Cascade& c, AttentionLowering form) {
  const config::Mapping& mapping = config.proto().mapping();
  Names named;
  for (const auto& p : mapping.phase())
    for (const auto& n : phase_names(p)) named.insert(n);
  const bool covered = std::all_of(c.einsums.begin(), c.einsums.end(),
                                   [&](const auto& e) { return named.count(e.output.tensor) > 0; });
  if (covered || c.operators.empty()) return std::nullopt;

  const workloads::Operator* attention = nullptr;
  for (const auto& op : c.operators)
    if (op.kind == workloads::OperatorKind::Attention) {
      if (attention) fail(c, op, "a workload with more than one ATTENTION operator");
      attention = &op;
    }
  // The config's attention phase: FuseMax's tiled one, or the one whose Einsums the model
  // computes itself (FLAT, unfused).
  const config::Phase* attention_phase = nullptr;
  for (const auto& p : mapping.phase())
    if (form == AttentionLowering::kFuseMaxCascade ? p.name() == mapping.tiling().phase() : p.einsums_size() > 0)
      attention_phase = &p;
  if (attention && !attention_phase)
    fail(c, *attention, "the mapping of " + config.file() + " has no attention phase to run it");

  config::Workload w;
  google::protobuf::TextFormat::ParseFromString(workloads::print_workload(c), &w);
  config::Mapping m = mapping;
  m.clear_binding();
  m.clear_phase();
  LoweredWorkload result;

  // The attention: rewritten (FuseMax) or kept, and its phase.
  std::map<std::string, std::string> rename;
  if (attention) {
    const auto a = workloads::attention_structure(c, attention->einsums);
    result.mask_ignored = !a.mask.empty();
    auto& ranks = *m.mutable_ranks();
    std::vector<std::string> batch;
    for (const auto& idx : c.einsums[a.score].output.indices)
      if (a.batch.count(idx.var)) batch.push_back(rank_of_variable(idx.var));
    if (a.queries.size() != 1 || a.keys.size() != 1 || a.qk_embed.size() != 1 || a.v_embed.size() != 1 || batch.size() > 2)
      fail(c, *attention, "the arrays' attention needs one query, key, embedding and value-embedding index and at "
                          "most two batch indices");
    ranks.set_batch(batch.size() > 0 ? batch[0] : "");
    ranks.set_heads(batch.size() > 1 ? batch[1] : "");
    ranks.set_queries(rank_of_variable(*a.queries.begin()));
    ranks.set_keys(rank_of_variable(*a.keys.begin()));
    ranks.set_qk_embed(rank_of_variable(*a.qk_embed.begin()));
    ranks.set_v_embed(rank_of_variable(*a.v_embed.begin()));
    config::Phase phase = *attention_phase;
    if (form == AttentionLowering::kFuseMaxCascade) {
      const Names mine = phase_names(*attention_phase);
      if (mine != Names(kFuseMaxEinsums.begin(), kFuseMaxEinsums.end()))
        fail(c, *attention, "the attention phase of " + config.file() + " is not FuseMax's cascade (" +
                                join(kFuseMaxEinsums, " ") + ")");
      // Remove the operator's Einsums, then add FuseMax's where they were.
      std::vector<size_t> gone = attention->einsums;
      std::sort(gone.rbegin(), gone.rend());
      for (size_t i : gone) w.mutable_einsum()->DeleteSubrange(static_cast<int>(i), 1);
      add_fusemax_attention(config, c, *attention, a, w, static_cast<int>(attention->einsums.front()), rename);
      for (const auto& b : config.proto().mapping().binding())
        if (mine.count(b.einsum())) {
          auto* nb = m.add_binding();
          *nb = b;
          if (b.einsum() == "AV") nb->set_einsum(a.output);
        }
      for (auto& stage : *phase.mutable_stage())
        for (auto& group : *stage.mutable_group()) {
          std::vector<std::string> names = split_names(group);
          for (auto& n : names)
            if (n == "AV") n = a.output;
          group = join(names, " ");
        }
      auto* tiling = m.mutable_tiling();
      for (auto* list : {tiling->mutable_per_query_state(), tiling->mutable_streamed(), tiling->mutable_dram()})
        for (auto& t : *list)
          if (rename.count(t)) t = rename.at(t);
    } else {
      phase.clear_einsums();
      for (size_t i : attention->einsums) phase.add_einsums(c.einsums[i].output.tensor);
    }
    *m.add_phase() = phase;
  } else {
    m.clear_tiling();
  }
  // The attention operator leaves the operator list; the tensors only its Einsums used go.
  for (int i = w.operator__size() - 1; i >= 0; --i)
    if (attention && w.operator_(i).name() == attention->name) w.mutable_operator_()->DeleteSubrange(i, 1);
  if (attention && form == AttentionLowering::kFuseMaxCascade) {
    Names used;
    for (const auto& text : w.einsum()) {
      const auto e = workloads::parse_einsum(text, c.file, {1, 1});
      used.insert(e.output.tensor);
      std::vector<const workloads::Access*> reads;
      e.rhs->collect_accesses(reads);
      for (const auto* r : reads) used.insert(r->tensor);
    }
    for (int i = w.tensor_size() - 1; i >= 0; --i)
      if (!used.count(w.tensor(i).name())) w.mutable_tensor()->DeleteSubrange(i, 1);
  }

  // Every other operator (or lone Einsum) a phase of its own, in cascade order.
  std::vector<config::Phase> phases;
  for (size_t i = 0; i < c.einsums.size(); ++i) {
    const workloads::Operator* op = c.operator_of(i);
    if (op == attention && attention) continue;
    if (op && op->einsums.front() != i) continue;
    const std::vector<size_t> group = op ? op->einsums : std::vector<size_t>{i};
    std::vector<std::string> on_2d, on_1d;
    for (size_t j : group) {
      const bool gemm = workloads::gemm_roles(c, c.einsums[j]).has_value();
      const bool two_d = gemm && (!op || op->kind == workloads::OperatorKind::Linear);
      (two_d ? on_2d : on_1d).push_back(c.einsums[j].output.tensor);
      auto* b = m.add_binding();
      b->set_einsum(c.einsums[j].output.tensor);
      b->set_unit(two_d ? config::ARRAY2D : config::ARRAY1D);
    }
    config::Phase phase;
    phase.set_name(op ? op->name : c.einsums[i].output.tensor);
    auto* stage = phase.add_stage();
    if (!on_2d.empty()) stage->add_group(join(on_2d, " "));
    if (!on_1d.empty()) stage->add_group(join(on_1d, " "));
    phases.push_back(phase);
  }
  // Phases in cascade order: the attention's where its operator was.
  if (attention) {
    const config::Phase attention_copy = m.phase(0);
    m.clear_phase();
    size_t before = 0;
    for (size_t i = 0; i < attention->einsums.front(); ++i) {
      const workloads::Operator* op = c.operator_of(i);
      if (!op || op->einsums.front() == i) ++before;
    }
    for (size_t k = 0; k < phases.size(); ++k) {
      if (k == before) *m.add_phase() = attention_copy;
      *m.add_phase() = phases[k];
    }
    if (before >= phases.size()) *m.add_phase() = attention_copy;
  } else {
    for (const auto& p : phases) *m.add_phase() = p;
  }

  std::string workload_text;
  google::protobuf::TextFormat::PrintToString(w, &workload_text);
  result.cascade = workloads::parse_workload_text(workload_text, c.file + " (lowered onto " + config.proto().name() + ")");
  result.mapping = m;
  result.config_text = lowered_config_text(config, m);
  result.config_file = config.file() + " (lowered for " + c.name + ")";
  return result;
}

std::string lowered_config_text(const ArchConfig& config, const config::Mapping& lowered_mapping) {
  config::Arch lowered = config.proto();
  *lowered.mutable_mapping() = lowered_mapping;
  std::string text;
  google::protobuf::TextFormat::PrintToString(lowered, &text);
  return text;
}

sim::Result evaluate_lowered(const Model& model, const LoweredWorkload& lowered, const Cascade& original,
                             const workloads::RankSizes& sizes, Fidelity fidelity, EvaluationCache* cache) {
  std::map<std::string, uint64_t> overrides;
  for (const auto& r : original.ranks) overrides[r.name] = sizes.of(r.name);
  sim::Result r = model.evaluate(lowered.cascade, workloads::bind_shapes(lowered.cascade, overrides), fidelity, cache);
  r.stats["attention.mask_ignored"] = lowered.mask_ignored ? 1 : 0;
  return r;
}

}  // namespace cascade::arch
