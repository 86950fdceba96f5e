#pragma once

#include <string>

#include "workloads/ir/Expr.h"
#include "base/InputError.h"

namespace cascade::workloads {

// The deepest an Einsum's right-hand side may nest: parentheses, function calls and minus signs,
// and the operator tree (a sum of n terms is n - 1 levels deep). Analyses walk the tree
// recursively; this bounds their stack. Real cascades stay under 10.
inline constexpr int kMaxExpressionDepth = 256;

// Parses the text of one extended Einsum (syntax: docs/workload-syntax.md). `start` is the file
// position of the text's first character, so errors point into the workload file. Only syntax is
// checked here; names and shapes are checked by CascadeValidator.
Einsum parse_einsum(const std::string& text, const std::string& file, base::SourcePos start);

}  // namespace cascade::workloads
