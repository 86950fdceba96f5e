#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/InputError.h"

namespace cascade::workloads {

// One index of a tensor access. Index variables are lower-case rank names ("m" ranges over M).
//   Variable   m            the rank's own index
//   Shifted    m+1          a recurrence step (written X[m+1] = f(X[m]))
//   Flattened  m1*M0+m0     a partitioned rank M = M1 x M0 addressed by its two parts
//   Constant   0 or M1      a fixed position: a literal or the size of a rank (the final value of a
//                           recurrence)
//   Gathered   H[n,c]       a position read from an integer tensor (a table lookup through a hash:
//                           G[l, H[n,l,c], f]); its variables are those of the index tensor's access
struct Access;
struct IndexExpr {
  enum class Form { Variable, Shifted, Flattened, Constant, Gathered };
  Form form = Form::Variable;
  std::string var;         // Variable, Shifted: the variable; Flattened: the outer variable
  int64_t offset = 0;      // Shifted: the step
  std::string scale_rank;  // Flattened: the inner rank's name (M0)
  std::string inner_var;   // Flattened: the inner variable (m0)
  std::string const_rank;  // Constant: a rank whose size is the position, or empty
  int64_t const_value = 0; // Constant: the literal position when const_rank is empty
  std::shared_ptr<const Access> gather;  // Gathered: the index tensor's access (no gather inside)
  base::SourcePos pos;

  std::vector<std::string> variables() const;
  std::string to_string() const;
  bool operator==(const IndexExpr& o) const;
};

struct Access {
  std::string tensor;
  std::vector<IndexExpr> indices;
  base::SourcePos pos;

  std::string to_string() const;
  // Every index variable of its indices.
  std::set<std::string> variables() const;
  // The position of its gathered index, or -1 (an access has at most one).
  int gathered_position() const;
  bool operator==(const Access& o) const;
};

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

// The right-hand side of an Einsum: arithmetic over tensor accesses, numbers and functions.
struct Expr {
  enum class Kind { Number, Access, Negate, Binary, Call };
  Kind kind = Kind::Number;
  double number = 0;           // Number
  std::string number_text;     // Number, as written ("-inf", "0.5")
  struct Access access;        // Access
  char op = 0;                 // Binary: + - * /
  std::string function;        // Call: exp, max, min, ...
  std::vector<ExprPtr> args;   // Negate (1), Binary (2), Call (1 or 2)
  base::SourcePos pos;

  std::set<std::string> vars;  // index variables used anywhere below this node (see seal)
  int depth = 1;               // levels of the tree below and including this node (see seal)

  std::string to_string() const;
  const std::set<std::string>& variables() const { return vars; }
  // Fills `vars` and `depth` from the children (already sealed) and the access: every node is
  // sealed once, when built, so analyses read them instead of recomputing them.
  static ExprPtr seal(std::shared_ptr<Expr> node);
  // Every tensor read below this node, the index tensors of gathers included (after the access
  // that gathers through them).
  void collect_accesses(std::vector<const struct Access*>& out) const;
  bool equals(const Expr& o) const;
};

enum class ReduceOp { Sum, Max, Min, Xor };
std::string to_string(ReduceOp op);

// How the Einsum combines iteration points that map to the same output element.
struct Reduction {
  ReduceOp op = ReduceOp::Sum;
  std::vector<std::string> vars;  // the reduced index variables
  bool written = false;           // spelled out as op[vars](...) rather than implied (sum)
  base::SourcePos pos;
  bool operator==(const Reduction& o) const {
    return op == o.op && vars == o.vars && written == o.written;
  }
};

// A condition on an Einsum's iteration space, `var op other + offset` (or `var op offset` without
// `other`): the Einsum computes only the points where all its conditions hold (a causal mask:
// `where m <= p`).
struct Condition {
  std::string var;
  std::string op;     // "<", "<=", ">", ">=", "=="
  std::string other;  // another index variable, or empty
  int64_t offset = 0;
  base::SourcePos pos;

  std::string to_string() const;
  bool operator==(const Condition& o) const {
    return var == o.var && op == o.op && other == o.other && offset == o.offset;
  }
};

// The most an Einsum's condition offset may be, either way: beyond every rank size.
inline constexpr int64_t kMaxConditionOffset = int64_t{1} << 62;

struct Einsum {
  Access output;
  Reduction reduction;  // vars empty: no reduction
  ExprPtr rhs;
  std::vector<Condition> conditions;  // all must hold; on at most two index variables
  base::SourcePos pos;

  std::set<std::string> vars;  // the iteration space's index variables (see seal)

  std::string to_string() const;
  bool equals(const Einsum& o) const;
  // All index variables of the iteration space (output's and right-hand side's).
  const std::set<std::string>& variables() const { return vars; }
  // Fills `vars` from the output and the (sealed) right-hand side.
  void seal();
  // True if the output is written at a shifted index (X[m+1] = ...).
  bool is_recurrent() const;
  // True if the output is written at a shifted index of one of `ranks`.
  bool is_recurrent_along(const std::set<std::string>& ranks) const;
};

// Function names the syntax knows; an unknown name is an error.
bool is_unary_function(const std::string& name);
bool is_binary_function(const std::string& name);
std::optional<ReduceOp> reduce_op_from_name(const std::string& name);
std::string rank_of_variable(const std::string& var);  // "m1" -> "M1"
std::string variable_of_rank(const std::string& rank);  // "M1" -> "m1"
// Naming rules: ranks are upper-case letters and digits ("M1"), index variables the same in lower
// case ("m1"); both start with a letter.
bool is_rank_name(const std::string& s);
bool is_index_variable(const std::string& s);

}  // namespace cascade::workloads
