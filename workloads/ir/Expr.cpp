#include "workloads/ir/Expr.h"

#include <algorithm>
#include <cctype>

namespace cascade::workloads {

std::vector<std::string> IndexExpr::variables() const {
  switch (form) {
    case Form::Variable:
    case Form::Shifted:
      return {var};
    case Form::Flattened:
      return {var, inner_var};
    case Form::Constant:
      return {};
    case Form::Gathered: {
      const std::set<std::string> v = gather->variables();
      return {v.begin(), v.end()};
    }
  }
  return {};
}

std::string IndexExpr::to_string() const {
  switch (form) {
    case Form::Variable:
      return var;
    case Form::Shifted:
      return var + (offset >= 0 ? "+" : "-") + std::to_string(offset >= 0 ? offset : -offset);
    case Form::Flattened:
      return var + "*" + scale_rank + "+" + inner_var;
    case Form::Constant:
      return const_rank.empty() ? std::to_string(const_value) : const_rank;
    case Form::Gathered:
      return gather->to_string();
  }
  return {};
}

bool IndexExpr::operator==(const IndexExpr& o) const {
  return form == o.form && var == o.var && offset == o.offset && scale_rank == o.scale_rank &&
         inner_var == o.inner_var && const_rank == o.const_rank && const_value == o.const_value &&
         (gather == o.gather || (gather && o.gather && *gather == *o.gather));
}

std::string Access::to_string() const {
  if (indices.empty()) return tensor;
  std::string s = tensor + "[";
  for (size_t i = 0; i < indices.size(); ++i) {
    if (i) s += ",";
    s += indices[i].to_string();
  }
  return s + "]";
}

bool Access::operator==(const Access& o) const {
  return tensor == o.tensor && indices == o.indices;
}

namespace {

int precedence(const Expr& e) {
  if (e.kind == Expr::Kind::Binary) return (e.op == '+' || e.op == '-') ? 1 : 2;
  if (e.kind == Expr::Kind::Negate) return 3;
  return 4;
}

std::string wrap(const Expr& child, bool parens) {
  return parens ? "(" + child.to_string() + ")" : child.to_string();
}

}  // namespace

std::string Expr::to_string() const {
  switch (kind) {
    case Kind::Number:
      return number_text;
    case Kind::Access:
      return access.to_string();
    case Kind::Negate:
      return "-" + wrap(*args[0], precedence(*args[0]) < 3);
    case Kind::Binary: {
      const int p = precedence(*this);
      // Left-associative: a - b - c is (a - b) - c, so a right operand of equal precedence keeps
      // its parentheses and the printed text parses back to the same tree.
      return wrap(*args[0], precedence(*args[0]) < p) + " " + op + " " +
             wrap(*args[1], precedence(*args[1]) <= p);
    }
    case Kind::Call: {
      std::string s = function + "(";
      for (size_t i = 0; i < args.size(); ++i) {
        if (i) s += ", ";
        s += args[i]->to_string();
      }
      return s + ")";
    }
  }
  return {};
}

ExprPtr Expr::seal(std::shared_ptr<Expr> node) {
  node->vars.clear();
  if (node->kind == Kind::Access)
    for (const auto& idx : node->access.indices)
      for (auto& v : idx.variables()) node->vars.insert(v);
  node->depth = 1;
  for (const auto& a : node->args) {
    node->vars.insert(a->vars.begin(), a->vars.end());
    node->depth = std::max(node->depth, a->depth + 1);
  }
  return node;
}

void Expr::collect_accesses(std::vector<const struct Access*>& out) const {
  if (kind == Kind::Access) {
    out.push_back(&access);
    if (const int g = access.gathered_position(); g >= 0)
      out.push_back(access.indices[static_cast<size_t>(g)].gather.get());
  }
  for (const auto& a : args) a->collect_accesses(out);
}

bool Expr::equals(const Expr& o) const {
  if (kind != o.kind || op != o.op || function != o.function || args.size() != o.args.size())
    return false;
  if (kind == Kind::Number && !(number == o.number)) return false;
  if (kind == Kind::Access && !(access == o.access)) return false;
  for (size_t i = 0; i < args.size(); ++i)
    if (!args[i]->equals(*o.args[i])) return false;
  return true;
}

std::string to_string(ReduceOp op) {
  switch (op) {
    case ReduceOp::Sum:
      return "sum";
    case ReduceOp::Max:
      return "max";
    case ReduceOp::Min:
      return "min";
    case ReduceOp::Xor:
      return "xor";
  }
  return {};
}

std::string Condition::to_string() const {
  std::string s = var + " " + op + " ";
  if (other.empty()) return s + std::to_string(offset);
  s += other;
  if (offset > 0) s += " + " + std::to_string(offset);
  if (offset < 0) s += " - " + std::to_string(-offset);
  return s;
}

std::string Einsum::to_string() const {
  std::string s = output.to_string() + " = ";
  if (!reduction.written) {
    s += rhs->to_string();
  } else {
    s += workloads::to_string(reduction.op) + "[";
    for (size_t i = 0; i < reduction.vars.size(); ++i) {
      if (i) s += ",";
      s += reduction.vars[i];
    }
    s += "](" + rhs->to_string() + ")";
  }
  for (size_t i = 0; i < conditions.size(); ++i) s += (i ? " and " : " where ") + conditions[i].to_string();
  return s;
}

bool Einsum::equals(const Einsum& o) const {
  return output == o.output && reduction == o.reduction && conditions == o.conditions && rhs->equals(*o.rhs);
}

void Einsum::seal() {
  vars = rhs->variables();
  for (const auto& idx : output.indices)
    for (auto& v : idx.variables()) vars.insert(v);
}

bool Einsum::is_recurrent() const {
  for (const auto& idx : output.indices)
    if (idx.form == IndexExpr::Form::Shifted) return true;
  return false;
}

bool Einsum::is_recurrent_along(const std::set<std::string>& ranks) const {
  for (const auto& idx : output.indices)
    if (idx.form == IndexExpr::Form::Shifted && ranks.count(rank_of_variable(idx.var))) return true;
  return false;
}

bool is_unary_function(const std::string& name) {
  return name == "exp" || name == "log" || name == "sqrt" || name == "relu" || name == "gelu" ||
         name == "tanh" || name == "abs" || name == "floor" || name == "frac";
}

bool is_binary_function(const std::string& name) { return name == "max" || name == "min" || name == "mod"; }

std::optional<ReduceOp> reduce_op_from_name(const std::string& name) {
  if (name == "sum") return ReduceOp::Sum;
  if (name == "max") return ReduceOp::Max;
  if (name == "min") return ReduceOp::Min;
  if (name == "xor") return ReduceOp::Xor;
  return std::nullopt;
}

namespace {

bool is_name_in_case(const std::string& s, int (*letter)(int)) {
  if (s.empty() || !letter(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!letter(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

}  // namespace

bool is_rank_name(const std::string& s) { return is_name_in_case(s, std::isupper); }
bool is_index_variable(const std::string& s) { return is_name_in_case(s, std::islower); }

std::string rank_of_variable(const std::string& var) {
  std::string r = var;
  for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return r;
}

std::string variable_of_rank(const std::string& rank) {
  std::string v = rank;
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v;
}

int Access::gathered_position() const {
  for (size_t k = 0; k < indices.size(); ++k)
    if (indices[k].form == IndexExpr::Form::Gathered) return static_cast<int>(k);
  return -1;
}

std::set<std::string> Access::variables() const {
  std::set<std::string> v;
  for (const auto& idx : indices)
    for (auto& x : idx.variables()) v.insert(x);
  return v;
}

}  // namespace cascade::workloads
