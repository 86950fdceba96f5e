#include "workloads/parser/CascadeValidator.h"

#include <cctype>
#include <map>
#include <set>

#include "workloads/analysis/DependenceGraph.h"

namespace cascade::workloads {
namespace {

bool is_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

bool is_reserved(const std::string& name) {
  return is_unary_function(name) || is_binary_function(name) || reduce_op_from_name(name) ||
         name == "inf";
}

class Validator {
 public:
  explicit Validator(const Cascade& c) : c_(c) {}

  void run() {
    check_ranks();
    check_partitions();
    check_tensors();
    std::map<std::string, const Einsum*> writers;
    for (const auto& e : c_.einsums) {
      check_einsum(e);
      auto [it, fresh] = writers.emplace(e.output.tensor, &e);
      if (!fresh)
        fail(e.output.pos, "tensor '" + e.output.tensor + "' is written by two Einsums (first at line " +
                               std::to_string(it->second->pos.line) + ")");
    }
    check_acyclic();
  }

 private:
  [[noreturn]] void fail(base::SourcePos pos, const std::string& message) const {
    throw base::InputError(c_.file, pos, message);
  }

  bool has_rank(const std::string& name) const { return ranks_.count(name) != 0; }

  void add_rank(const std::string& name, base::SourcePos pos) {
    if (!is_rank_name(name))
      fail(pos, "rank name '" + name + "' must be upper case letters and digits, starting with a letter");
    if (!ranks_.insert(name).second) fail(pos, "rank '" + name + "' is declared twice");
  }

  void check_ranks() {
    for (const auto& r : c_.ranks) add_rank(r.name, r.pos);
    for (const auto& r : c_.ranks) {
      if (r.equal_to.empty()) continue;
      if (!has_rank(r.equal_to) || r.equal_to == r.name)
        fail(r.pos, "rank '" + r.name + "': equal_to names undeclared rank '" + r.equal_to + "'");
      // Follow the chain: it must end at a rank with a size of its own.
      std::string at = r.name;
      for (size_t steps = 0;; ++steps) {
        const Rank* cur = c_.find_rank(at);
        if (!cur || cur->equal_to.empty()) break;
        if (steps > c_.ranks.size())
          fail(r.pos, "rank '" + r.name + "': equal_to forms a cycle");
        at = cur->equal_to;
      }
    }
  }

  void check_partitions() {
    std::set<std::string> split;
    for (const auto& p : c_.partitions) {
      if (!has_rank(p.rank)) fail(p.pos, "partition of undeclared rank '" + p.rank + "'");
      if (!split.insert(p.rank).second) fail(p.pos, "rank '" + p.rank + "' is partitioned twice");
      add_rank(p.outer, p.pos);
      add_rank(p.inner, p.pos);
    }
    for (const auto& r : c_.ranks)
      if (!r.equal_to.empty() && c_.find_partition_making(r.equal_to))
        fail(r.pos, "rank '" + r.name + "': equal_to may not name a partition part ('" +
                        r.equal_to + "')");
  }

  void check_tensors() {
    std::set<std::string> names;
    for (const auto& t : c_.tensors) {
      if (!is_identifier(t.name))
        fail(t.pos, "tensor name '" + t.name + "' must be letters, digits and '_', not starting with a digit");
      if (is_reserved(t.name)) fail(t.pos, "tensor name '" + t.name + "' is a reserved word");
      if (!names.insert(t.name).second) fail(t.pos, "tensor '" + t.name + "' is declared twice");
      std::set<std::string> seen;
      for (const auto& r : t.ranks) {
        if (!has_rank(r)) fail(t.pos, "tensor '" + t.name + "' has undeclared rank '" + r + "'");
        if (!seen.insert(r).second) fail(t.pos, "tensor '" + t.name + "' lists rank '" + r + "' twice");
      }
      if (const auto& x = t.extent) {
        for (const std::string* r : {&x->rank, &x->along})
          if (!seen.count(*r))
            fail(x->pos, "tensor '" + t.name + "': extent names rank '" + *r + "', which the tensor does not have");
        if (x->rank == x->along) fail(x->pos, "tensor '" + t.name + "': an extent's rank and along must differ");
      }
    }
  }

  const Tensor& tensor_of(const Access& a) const {
    const Tensor* t = c_.find_tensor(a.tensor);
    if (!t) fail(a.pos, "undeclared tensor '" + a.tensor + "'");
    if (t->ranks.size() != a.indices.size())
      fail(a.pos, "tensor '" + a.tensor + "' has " + std::to_string(t->ranks.size()) +
                      " rank(s) but is indexed with " + std::to_string(a.indices.size()));
    return *t;
  }

  void check_variable(const std::string& var, base::SourcePos pos) const {
    if (!has_rank(rank_of_variable(var)))
      fail(pos, "index variable '" + var + "' names undeclared rank '" + rank_of_variable(var) + "'");
  }

  // The rank at the end of `rank`'s equal_to chain (validated acyclic by check_ranks).
  std::string equal_root(const std::string& rank) const {
    std::string at = rank;
    for (size_t steps = 0; steps <= c_.ranks.size(); ++steps) {
      const Rank* r = c_.find_rank(at);
      if (!r || r->equal_to.empty()) break;
      at = r->equal_to;
    }
    return at;
  }

  // Two declared ranks (not partition parts) joined by equal_to.
  bool declared_equal(const std::string& a, const std::string& b) const {
    return c_.find_rank(a) && c_.find_rank(b) && equal_root(a) == equal_root(b);
  }

  // Does index `idx` address rank `rank` of a tensor?
  void check_index(const Access& a, const Tensor& t, size_t i) const {
    const IndexExpr& idx = a.indices[i];
    const std::string& rank = t.ranks[i];
    for (const auto& v : idx.variables()) check_variable(v, idx.pos);
    const auto mismatch = [&](const std::string& what) {
      fail(idx.pos, "index '" + idx.to_string() + "' " + what + " but rank " +
                        std::to_string(i + 1) + " of tensor '" + t.name + "' is " + rank);
    };
    switch (idx.form) {
      case IndexExpr::Form::Variable:
        // A rank declared equal to another (P equal_to M) may be indexed by the other's variable:
        // self-attention reads one sequence along its queries and its keys.
        if (rank_of_variable(idx.var) != rank && !declared_equal(rank_of_variable(idx.var), rank))
          mismatch("ranges over " + rank_of_variable(idx.var));
        break;
      case IndexExpr::Form::Shifted:
        if (rank_of_variable(idx.var) != rank) mismatch("ranges over " + rank_of_variable(idx.var));
        break;
      case IndexExpr::Form::Flattened: {
        const Partition* p = c_.find_partition_of(rank);
        if (!has_rank(idx.scale_rank))
          fail(idx.pos, "index '" + idx.to_string() + "' names undeclared rank '" + idx.scale_rank + "'");
        if (!p || p->outer != rank_of_variable(idx.var) || p->inner != idx.scale_rank ||
            rank_of_variable(idx.inner_var) != idx.scale_rank)
          fail(idx.pos, "index '" + idx.to_string() + "' does not address rank " + rank +
                            " of tensor '" + t.name + "' " +
                            (p ? "(partitioned as " + rank + " = " + p->outer + " x " + p->inner +
                                     ": write " + variable_of_rank(p->outer) + "*" + p->inner + "+" +
                                     variable_of_rank(p->inner) + ")"
                               : "(" + rank + " is not partitioned)"));
        break;
      }
      case IndexExpr::Form::Constant:
        if (!idx.const_rank.empty() && !has_rank(idx.const_rank))
          fail(idx.pos, "index '" + idx.const_rank + "' names undeclared rank '" + idx.const_rank + "'");
        break;
      case IndexExpr::Form::Gathered: {
        // The positions are the index tensor's values: it holds integers (a hash, a grid index).
        const Tensor& g = tensor_of(*idx.gather);
        if (!is_integer(g.type))
          fail(idx.pos, "gather index '" + idx.to_string() + "' reads tensor '" + g.name + "' of type " +
                            to_string(g.type) + ": an index tensor holds integers (INT8, INT16 or INT32)");
        if (a.gathered_position() != static_cast<int>(i))
          fail(idx.pos, "tensor '" + t.name + "' is gathered at two ranks: an access gathers at most one");
        break;
      }
    }
  }

  void check_einsum(const Einsum& e) {
    const Tensor& out = tensor_of(e.output);
    std::set<std::string> out_vars;
    for (size_t i = 0; i < e.output.indices.size(); ++i) {
      check_index(e.output, out, i);
      const auto& idx = e.output.indices[i];
      if (!out_vars.insert(idx.var).second)
        fail(idx.pos, "index variable '" + idx.var + "' appears twice in the output");
      if (idx.form == IndexExpr::Form::Shifted) {
        if (idx.offset < 0)
          fail(idx.pos, "a recurrence steps forward: write " + idx.var + "+1, not " + idx.to_string());
        if (!out.initial)
          fail(e.output.pos, "recurrent tensor '" + out.name +
                                 "' has no initial value (add initial: \"...\" to its declaration)");
      }
    }
    std::vector<const Access*> inputs;
    e.rhs->collect_accesses(inputs);
    std::set<std::string> in_vars;
    for (const Access* a : inputs) {
      const Tensor& t = tensor_of(*a);
      for (size_t i = 0; i < a->indices.size(); ++i) {
        check_index(*a, t, i);
        for (auto& v : a->indices[i].variables()) in_vars.insert(v);
      }
    }
    std::set<std::string> dropped;
    for (const auto& v : in_vars)
      if (!out_vars.count(v)) dropped.insert(v);
    if (e.reduction.written) {
      std::set<std::string> listed;
      for (const auto& v : e.reduction.vars) {
        if (!listed.insert(v).second) fail(e.reduction.pos, "rank '" + v + "' is reduced twice");
        check_variable(v, e.reduction.pos);
        if (!in_vars.count(v))
          fail(e.reduction.pos, "reduced rank '" + v + "' appears in no input of " + e.output.tensor);
        if (out_vars.count(v))
          fail(e.reduction.pos, "reduced rank '" + v + "' also indexes the output " + e.output.tensor);
      }
      for (const auto& v : dropped)
        if (!listed.count(v))
          fail(e.reduction.pos, "rank '" + v + "' is missing from the output but not listed in " +
                                    to_string(e.reduction.op) + "[...]");
    }
    check_conditions(e);
  }

  // Conditions name the Einsum's own index variables, at most two of them, and not of a
  // recurrence (whose steps every point takes).
  void check_conditions(const Einsum& e) const {
    std::set<std::string> named;
    for (const auto& c : e.conditions) {
      for (const std::string* v : {&c.var, &c.other}) {
        if (v->empty()) continue;
        if (!e.variables().count(*v))
          fail(c.pos, "condition '" + c.to_string() + "': '" + *v + "' is no index variable of " + e.output.tensor);
        named.insert(*v);
      }
      if (c.var == c.other) fail(c.pos, "condition '" + c.to_string() + "' compares '" + c.var + "' with itself");
      if (named.size() > 2)
        fail(c.pos, "conditions may relate at most two index variables (found " + std::to_string(named.size()) + ")");
    }
    if (!e.conditions.empty() && e.is_recurrent())
      fail(e.conditions.front().pos, "a recurrence (" + e.output.tensor + ") takes no conditions");
  }

  void check_acyclic() const {
    const DependenceGraph g(c_);
    for (size_t i = 0; i < c_.einsums.size(); ++i) {
      const Einsum& e = c_.einsums[i];
      if (g.reads_itself(i))
        fail(e.output.pos, "tensor '" + e.output.tensor +
                               "' reads itself without a recurrence step (write " +
                               e.output.tensor + "[m+1] = f(" + e.output.tensor + "[m]))");
    }
    const std::vector<size_t> cycle = g.find_cycle();
    if (cycle.empty()) return;
    std::string path;
    for (size_t i : cycle) path += c_.einsums[i].output.tensor + " -> ";
    path += c_.einsums[cycle.front()].output.tensor;
    fail(c_.einsums[cycle.front()].pos, "the Einsums form a cycle: " + path);
  }

  const Cascade& c_;
  std::set<std::string> ranks_;
};

}  // namespace

void validate_cascade(const Cascade& cascade) { Validator(cascade).run(); }

}  // namespace cascade::workloads
