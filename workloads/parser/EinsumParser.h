#pragma once

#include <string>

#include "workloads/ir/Expr.h"
#include "workloads/ir/SourcePos.h"

namespace cascade::workloads {

// Parses the text of one extended Einsum (syntax: docs/workload-syntax.md). `start` is the file
// position of the text's first character, so errors point into the workload file. Only syntax is
// checked here; names and shapes are checked by CascadeValidator.
Einsum parse_einsum(const std::string& text, const std::string& file, SourcePos start);

}  // namespace cascade::workloads
