// Malformed cascades: each must be rejected with a message that names the file, the line and
// column of the offending text (counted by hand in the case's text below) and what was expected.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "workloads/analysis/WorkloadAnalysis.h"
#include "workloads/parser/WorkloadLoader.h"

namespace cascade::workloads {
namespace {

// Lines 1-5 of every case: two ranks and two tensors; the cases append from line 6 on.
const std::string kHeader =
    "name: \"t\"\n"                                        // 1
    "rank { name: \"M\" size: 8 }\n"                       // 2
    "rank { name: \"P\" size: 4 }\n"                       // 3
    "tensor { name: \"A\" ranks: [\"M\", \"P\"] type: FP32 }\n"  // 4
    "tensor { name: \"B\" ranks: [\"P\"] type: FP32 }\n";       // 5

struct Case {
  std::string name;
  std::string text;
  std::string error;  // the whole message, "bad.pbtxt:LINE:COLUMN: error: ..."
  std::map<std::string, uint64_t> sizes = {};
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string error_of(const Case& c) {
  try {
    const Cascade cascade = parse_workload_text(c.text, "bad.pbtxt");
    analyze_workload(cascade, c.sizes);
  } catch (const base::InputError& e) {
    return e.what();
  }
  return "(accepted)";
}

class Malformed : public testing::TestWithParam<Case> {};

TEST_P(Malformed, ReportsExactMessageAndPosition) {
  EXPECT_EQ(error_of(GetParam()), GetParam().error);
}

// Column counting: `einsum: "` is 9 characters, so the Einsum text starts at column 10.
const Case kCases[] = {
    {"ProtobufSyntax", kHeader + "rank { name: \"E\" size: 8\n",
     "bad.pbtxt:7:1: error: Expected identifier, got: "},
    // protobuf's text parser reports an unknown field at the token after its name.
    {"UnknownField", kHeader + "rnak { name: \"E\" }\n",
     "bad.pbtxt:6:6: error: Message type \"cascade.config.Workload\" has no field named \"rnak\"."},
    {"MissingEquals", kHeader + "einsum: \"B[p] A[m,p]\"\n",
     "bad.pbtxt:6:15: error: expected '=' after the output tensor, found identifier 'A'"},
    {"UnexpectedCharacter", kHeader + "einsum: \"B[p] = A[m,p] $ 2\"\n",
     "bad.pbtxt:6:24: error: unexpected character '$' in Einsum"},
    {"UnclosedCall", kHeader + "einsum: \"B[p] = exp(A[m,p]\"\n",
     "bad.pbtxt:6:27: error: expected ')' closing exp(, found end of expression"},
    {"UnknownFunction", kHeader + "einsum: \"B[p] = sinh(A[m,p])\"\n",
     "bad.pbtxt:6:17: error: unknown function 'sinh' (known: exp, log, sqrt, relu, gelu, tanh, "
     "abs, floor, frac, max, min, mod)"},
    {"UndeclaredTensor", kHeader + "einsum: \"B[p] = C[m,p]\"\n",
     "bad.pbtxt:6:17: error: undeclared tensor 'C'"},
    {"UndeclaredRankInIndex", kHeader + "einsum: \"B[p] = A[q,p]\"\n",
     "bad.pbtxt:6:19: error: index variable 'q' names undeclared rank 'Q'"},
    {"UndeclaredRankInTensor",
     kHeader + "tensor { name: \"C\" ranks: [\"M\", \"X\"] type: FP32 }\n",
     "bad.pbtxt:6:1: error: tensor 'C' has undeclared rank 'X'"},
    {"ArityMismatch", kHeader + "einsum: \"B[p] = A[m]\"\n",
     "bad.pbtxt:6:17: error: tensor 'A' has 2 rank(s) but is indexed with 1"},
    {"IndexOfWrongRank", kHeader + "einsum: \"B[p] = A[p,m]\"\n",
     "bad.pbtxt:6:19: error: index 'p' ranges over P but rank 1 of tensor 'A' is M"},
    {"TensorWrittenTwice", kHeader + "einsum: \"B[p] = A[m,p]\"\neinsum: \"B[p] = max[m](A[m,p])\"\n",
     "bad.pbtxt:7:10: error: tensor 'B' is written by two Einsums (first at line 6)"},
    {"ReducedRankNoInputHas",
     kHeader + "tensor { name: \"C\" ranks: [\"P\"] type: FP32 }\neinsum: \"B[p] = max[m](C[p])\"\n",
     "bad.pbtxt:7:17: error: reduced rank 'm' appears in no input of B"},
    {"ReducedRankNotListed",
     kHeader + "rank { name: \"E\" size: 2 }\n"
               "tensor { name: \"C\" ranks: [\"E\", \"M\", \"P\"] type: FP32 }\n"
               "einsum: \"B[p] = max[m](C[e,m,p])\"\n",
     "bad.pbtxt:8:17: error: rank 'e' is missing from the output but not listed in max[...]"},
    {"NestedReduction", kHeader + "einsum: \"B[p] = exp(max[m](A[m,p]))\"\n",
     "bad.pbtxt:6:21: error: a reduction max[...] must be the whole right-hand side; give it an "
     "Einsum of its own"},
    {"Cycle",
     kHeader + "tensor { name: \"C\" ranks: [\"M\", \"P\"] type: FP32 }\n"
               "tensor { name: \"D\" ranks: [\"M\", \"P\"] type: FP32 }\n"
               "einsum: \"C[m,p] = D[m,p] + A[m,p]\"\n"
               "einsum: \"D[m,p] = exp(C[m,p])\"\n",
     "bad.pbtxt:8:10: error: the Einsums form a cycle: C -> D -> C"},
    {"ReadsItselfWithoutRecurrence",
     kHeader + "tensor { name: \"C\" ranks: [\"M\", \"P\"] type: FP32 }\n"
               "einsum: \"C[m,p] = C[m,p] + A[m,p]\"\n",
     "bad.pbtxt:7:10: error: tensor 'C' reads itself without a recurrence step (write C[m+1] = "
     "f(C[m]))"},
    {"RecurrenceWithoutInitialValue",
     kHeader + "tensor { name: \"R\" ranks: [\"M\", \"P\"] type: FP32 }\n"
               "einsum: \"R[m+1,p] = max(R[m,p], A[m,p])\"\n",
     "bad.pbtxt:7:10: error: recurrent tensor 'R' has no initial value (add initial: \"...\" to its "
     "declaration)"},
    {"PartitionDoesNotDivide",
     kHeader + "partition { rank: \"M\" outer: \"M1\" inner: \"M0\" inner_size: 3 }\n",
     "bad.pbtxt:6:1: error: partition size M0=3 does not divide M=8"},
    {"PartitionOfZero",
     kHeader + "partition { rank: \"M\" outer: \"M1\" inner: \"M0\"\n  inner_size: 0 }\n",
     "bad.pbtxt:7:3: error: partition of 'M': inner_size must be between 1 and 2^62"},
    {"PartitionWrongFlattening",
     kHeader + "partition { rank: \"M\" outer: \"M1\" inner: \"M0\" inner_size: 4 }\n"
               "tensor { name: \"C\" ranks: [\"M0\", \"M1\", \"P\"] type: FP32 }\n"
               "einsum: \"C[m0,m1,p] = A[m0*M1+m1,p]\"\n",
     "bad.pbtxt:8:25: error: index 'm0*M1+m1' does not address rank M of tensor 'A' (partitioned "
     "as M = M1 x M0: write m1*M0+m0)"},
    {"TensorNameNotAnIdentifier", kHeader + "tensor { name: \"A B\" ranks: [\"M\"] type: FP32 }\n",
     "bad.pbtxt:6:1: error: tensor name 'A B' must be letters, digits and '_', not starting with a "
     "digit"},
    {"MissingType", kHeader + "tensor { name: \"C\" ranks: [\"M\"] }\n",
     "bad.pbtxt:6:1: error: tensor 'C': missing field 'type' (one of FP32, FP16, BF16, FP8, INT8, "
     "INT16, INT32, FP64)"},
    {"ConstantOutputIndex", kHeader + "einsum: \"B[0] = A[m,0]\"\n",
     "bad.pbtxt:6:12: error: an output index must be a variable (m) or a recurrence step (m+1)"},
    {"UnboundRank",
     "name: \"t\"\nrank { name: \"M\" }\ntensor { name: \"A\" ranks: [\"M\"] type: FP32 }\n",
     "bad.pbtxt:2:1: error: rank 'M' has no size: give it in the file (size: N) or with --set M=N"},
    {"SetUnknownRank", kHeader, "bad.pbtxt: error: --set Q=4: the workload has no rank 'Q'",
     {{"Q", 4}}},
    {"ConstantIndexPastEnd",
     kHeader + "einsum: \"B[p] = A[8,p]\"\n",
     "bad.pbtxt:6:19: error: index '8' = 8 is past the end of rank M of tensor 'A' (last position 7)"},
    // Operators (line 6: an Einsum writing B; the operator on line 7).
    {"OperatorOfAnUnwrittenTensor",
     kHeader + "einsum: \"B[p] = A[m,p]\"\noperator { name: \"o\" kind: ELEMENTWISE einsum: \"A\" }\n",
     "bad.pbtxt:7:40: error: operator 'o': no Einsum writes 'A'"},
    {"EinsumInTwoOperators",
     kHeader + "einsum: \"B[p] = A[m,p]\"\noperator { name: \"o\" kind: ELEMENTWISE einsum: \"B\" }\n"
               "operator { name: \"p\" kind: ELEMENTWISE einsum: \"B\" }\n",
     "bad.pbtxt:8:40: error: operator 'p': the Einsum writing 'B' is already in an operator"},
    {"OperatorWithoutKind", kHeader + "einsum: \"B[p] = A[m,p]\"\noperator { name: \"o\" einsum: \"B\" }\n",
     "bad.pbtxt:7:1: error: operator 'o': missing field 'kind' (one of LINEAR, ATTENTION, NORMALIZATION, ELEMENTWISE, ENCODING, MLP)"},
    {"OperatorTwice",
     kHeader + "einsum: \"B[p] = A[m,p]\"\noperator { name: \"o\" kind: LINEAR einsum: \"B\" }\n"
               "operator { name: \"o\" kind: LINEAR }\n",
     "bad.pbtxt:8:12: error: operator 'o' is declared twice"},
};

INSTANTIATE_TEST_SUITE_P(Cascades, Malformed, testing::ValuesIn(kCases),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace cascade::workloads
