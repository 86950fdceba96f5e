#include "workloads/parser/EinsumLexer.h"

#include <cctype>
#include <cstring>

namespace cascade::workloads {

std::string Token::describe() const {
  switch (kind) {
    case Kind::Identifier:
      return "identifier '" + text + "'";
    case Kind::Number:
      return "number '" + text + "'";
    case Kind::Punct:
      return "'" + text + "'";
    case Kind::End:
      return "end of expression";
  }
  return {};
}

bool tokenize_einsum(const std::string& text, std::vector<Token>& tokens, int& error_offset) {
  tokens.clear();
  const auto is_digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const auto is_ident = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  };
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    Token t;
    t.offset = static_cast<int>(i);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < text.size() && is_ident(text[j])) ++j;
      t.kind = Token::Kind::Identifier;
      t.text = text.substr(i, j - i);
      i = j;
    } else if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      size_t j = i;
      while (j < text.size() && is_digit(text[j])) ++j;
      if (j < text.size() && text[j] == '.') {
        ++j;
        while (j < text.size() && is_digit(text[j])) ++j;
      }
      if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
        size_t k = j + 1;
        if (k < text.size() && (text[k] == '+' || text[k] == '-')) ++k;
        if (k < text.size() && is_digit(text[k])) {
          j = k;
          while (j < text.size() && is_digit(text[j])) ++j;
        }
      }
      t.kind = Token::Kind::Number;
      t.text = text.substr(i, j - i);
      i = j;
    } else if ((c == '<' || c == '>' || c == '=') && i + 1 < text.size() && text[i + 1] == '=') {
      t.kind = Token::Kind::Punct;
      t.text = text.substr(i, 2);
      i += 2;
    } else if (c != '\0' && std::strchr("[](),=+-*/<>", c) != nullptr) {
      t.kind = Token::Kind::Punct;
      t.text = std::string(1, c);
      ++i;
    } else {
      error_offset = static_cast<int>(i);
      return false;
    }
    tokens.push_back(std::move(t));
  }
  Token end;
  end.kind = Token::Kind::End;
  end.offset = static_cast<int>(text.size());
  tokens.push_back(end);
  return true;
}

}  // namespace cascade::workloads
