#pragma once

#include <string>
#include <vector>

namespace cascade::workloads {

struct Token {
  enum class Kind { Identifier, Number, Punct, End };
  Kind kind = Kind::End;
  std::string text;
  int offset = 0;  // 0-based offset in the expression string

  // How an error message names this token: "identifier 'QK'", "',' ", "end of expression".
  std::string describe() const;
};

// Splits one Einsum expression into tokens. Returns false and sets error_offset on a character
// that starts no token.
bool tokenize_einsum(const std::string& text, std::vector<Token>& tokens, int& error_offset);

}  // namespace cascade::workloads
