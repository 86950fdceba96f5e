// The Einsum syntax (docs/workload-syntax.md): each form parses to the tree it denotes and prints
// back as canonical text that parses to the same tree.
#include <gtest/gtest.h>

#include <cmath>

#include "workloads/parser/EinsumParser.h"

namespace cascade::workloads {
namespace {

Einsum parse(const std::string& text) { return parse_einsum(text, "test", {1, 1}); }

std::string canonical(const std::string& text) { return parse(text).to_string(); }

TEST(EinsumParser, ProductWithImplicitSum) {
  const Einsum e = parse("QK[m,p] = Q[e,p] * K[e,m]");
  EXPECT_EQ(e.output.tensor, "QK");
  ASSERT_EQ(e.rhs->kind, Expr::Kind::Binary);
  EXPECT_EQ(e.rhs->op, '*');
  EXPECT_FALSE(e.reduction.written);
  EXPECT_EQ(e.variables(), (std::set<std::string>{"e", "m", "p"}));
}

TEST(EinsumParser, WrittenReduction) {
  const Einsum e = parse("GM[p] = max[m](QK[m,p])");
  EXPECT_TRUE(e.reduction.written);
  EXPECT_EQ(e.reduction.op, ReduceOp::Max);
  EXPECT_EQ(e.reduction.vars, std::vector<std::string>{"m"});
  EXPECT_EQ(e.to_string(), "GM[p] = max[m](QK[m,p])");
}

TEST(EinsumParser, IndexForms) {
  const Einsum e = parse("X[f,m1+1,p] = Y[f,m1*M0+m0,p] + Z[M1,0,p]");
  EXPECT_EQ(e.output.indices[1].form, IndexExpr::Form::Shifted);
  EXPECT_EQ(e.output.indices[1].offset, 1);
  EXPECT_TRUE(e.is_recurrent());
  const Access& y = e.rhs->args[0]->access;
  EXPECT_EQ(y.indices[1].form, IndexExpr::Form::Flattened);
  EXPECT_EQ(y.indices[1].var, "m1");
  EXPECT_EQ(y.indices[1].scale_rank, "M0");
  EXPECT_EQ(y.indices[1].inner_var, "m0");
  const Access& z = e.rhs->args[1]->access;
  EXPECT_EQ(z.indices[0].form, IndexExpr::Form::Constant);
  EXPECT_EQ(z.indices[0].const_rank, "M1");
  EXPECT_EQ(z.indices[1].const_value, 0);
}

TEST(EinsumParser, PrecedenceAndAssociativity) {
  // * binds tighter than -, and - is left-associative: the printer keeps exactly the parentheses
  // needed to rebuild the same tree.
  EXPECT_EQ(canonical("R[p]=A[p]-B[p]*C[p]"), "R[p] = A[p] - B[p] * C[p]");
  EXPECT_EQ(canonical("R[p] = (A[p] - B[p]) * C[p]"), "R[p] = (A[p] - B[p]) * C[p]");
  EXPECT_EQ(canonical("R[p] = A[p] - (B[p] - C[p])"), "R[p] = A[p] - (B[p] - C[p])");
  EXPECT_EQ(canonical("R[p] = ((A[p] - B[p])) - C[p]"), "R[p] = A[p] - B[p] - C[p]");
  EXPECT_EQ(canonical("R[p] = A[p] / (B[p] * C[p])"), "R[p] = A[p] / (B[p] * C[p])");
  EXPECT_EQ(canonical("R[p] = -(A[p] + B[p])"), "R[p] = -(A[p] + B[p])");
}

TEST(EinsumParser, NumbersAndFunctions) {
  const Einsum e = parse("R[p] = max(A[p], -inf) + exp(0.5 * B[p]) - 2e3");
  EXPECT_EQ(e.to_string(), "R[p] = max(A[p], -inf) + exp(0.5 * B[p]) - 2e3");
  const Expr& max_call = *e.rhs->args[0]->args[0];
  EXPECT_EQ(max_call.function, "max");
  EXPECT_TRUE(std::isinf(max_call.args[1]->number) && max_call.args[1]->number < 0);
  EXPECT_DOUBLE_EQ(e.rhs->args[1]->number, 2000.0);
}

TEST(EinsumParser, CanonicalTextParsesToTheSameTree) {
  for (const char* text : {"QK[m,p] = Q[e,p] * K[e,m]", "SN[m,p] = exp(QK[m,p] - GM[p])",
                           "RNV[f,m+1,p] = RNV[f,m,p] * PRM[m,p] + SN[m,p] * V[f,m]",
                           "AV[f,p] = RNV[f,M,p] / RD[M,p]", "LM[m1,p] = max[m0](BQK[m1,m0,p])",
                           "S = sum[m,p](A[m,p])", "R[p] = -A[p] - -B[p]"}) {
    SCOPED_TRACE(text);
    const Einsum a = parse(text);
    EXPECT_TRUE(a.equals(parse(a.to_string())));
  }
}

TEST(EinsumParser, ErrorsCarryFileAndPosition) {
  try {
    parse_einsum("A[m] = B[m] +", "w.pbtxt", {7, 10});
    FAIL() << "accepted an incomplete expression";
  } catch (const base::InputError& e) {
    // "A[m] = B[m] +" is 13 characters; the end is at offset 13, column 10 + 13.
    EXPECT_EQ(std::string(e.what()),
              "w.pbtxt:7:23: error: expected a tensor, number, function or '(', found end of "
              "expression");
    EXPECT_EQ(e.pos(), (base::SourcePos{7, 23}));
  }
}

}  // namespace
}  // namespace cascade::workloads
