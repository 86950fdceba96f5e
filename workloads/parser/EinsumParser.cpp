#include "workloads/parser/EinsumParser.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <vector>

#include "workloads/parser/EinsumLexer.h"

namespace cascade::workloads {
namespace {

class Parser {
 public:
  Parser(const std::string& text, const std::string& file, base::SourcePos start)
      : file_(file), start_(start) {
    int bad = 0;
    if (!tokenize_einsum(text, tokens_, bad))
      throw base::InputError(file_, at(bad),
                          std::string("unexpected character '") + text[static_cast<size_t>(bad)] +
                              "' in Einsum");
  }

  Einsum parse() {
    Einsum e;
    e.pos = at(0);
    e.output = parse_access(/*output=*/true);
    expect("=", "'=' after the output tensor");
    if (is_reduction_start()) {
      e.reduction = parse_reduction_header();
      expect("(", "'(' after the reduced ranks");
      e.rhs = parse_expr();
      expect(")", "')' closing the reduction");
    } else {
      e.rhs = parse_expr();
    }
    if (peek().kind == Token::Kind::Identifier && peek().text == "where") {
      next();
      while (true) {
        e.conditions.push_back(parse_condition());
        if (peek().kind != Token::Kind::Identifier || peek().text != "and") break;
        next();
      }
    }
    if (peek().kind != Token::Kind::End)
      fail(peek(), "expected an operator, 'where' or end of expression, found " + peek().describe());
    e.seal();
    return e;
  }

 private:
  base::SourcePos at(int offset) const { return {start_.line, start_.column + offset}; }
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool at_punct(const char* p, size_t ahead = 0) const {
    return peek(ahead).kind == Token::Kind::Punct && peek(ahead).text == p;
  }
  [[noreturn]] void fail(const Token& t, const std::string& message) const {
    throw base::InputError(file_, at(t.offset), message);
  }
  void expect(const char* punct, const std::string& what) {
    if (!at_punct(punct)) fail(peek(), "expected " + what + ", found " + peek().describe());
    next();
  }

  bool is_reduction_start() const {
    return peek().kind == Token::Kind::Identifier && reduce_op_from_name(peek().text) &&
           at_punct("[", 1);
  }

  // var op var [+|- INT], or var op INT.
  Condition parse_condition() {
    Condition c;
    const Token& v = next();
    c.pos = at(v.offset);
    if (v.kind != Token::Kind::Identifier || !is_index_variable(v.text))
      fail(v, "expected an index variable starting a condition (e.g. m <= p), found " + v.describe());
    c.var = v.text;
    const Token& op = next();
    if (op.kind != Token::Kind::Punct || (op.text != "<" && op.text != "<=" && op.text != ">" && op.text != ">=" &&
                                          op.text != "=="))
      fail(op, "expected a comparison (<, <=, >, >=, ==) in a condition, found " + op.describe());
    c.op = op.text;
    const auto whole = [&](const Token& t, bool negative) {
      int64_t n = 0;
      const auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), n);
      if (t.kind != Token::Kind::Number || ec != std::errc() || end != t.text.data() + t.text.size() ||
          n > kMaxConditionOffset)
        fail(t, "expected a whole number from 0 to 2^62 in a condition, found " + t.describe());
      return negative ? -n : n;
    };
    bool negative = false;
    if (at_punct("-")) {
      next();
      negative = true;
    }
    const Token& rhs = next();
    if (rhs.kind == Token::Kind::Number) {
      c.offset = whole(rhs, negative);
      return c;
    }
    if (negative || rhs.kind != Token::Kind::Identifier || !is_index_variable(rhs.text))
      fail(rhs, "expected an index variable or a whole number after the comparison, found " + rhs.describe());
    c.other = rhs.text;
    if (at_punct("+") || at_punct("-")) {
      const bool minus = next().text == "-";
      c.offset = whole(next(), minus);
    }
    return c;
  }

  Reduction parse_reduction_header() {
    Reduction r;
    const Token& name = next();
    r.op = *reduce_op_from_name(name.text);
    r.written = true;
    r.pos = at(name.offset);
    next();  // '['
    while (true) {
      const Token& v = next();
      if (v.kind != Token::Kind::Identifier || !is_index_variable(v.text))
        fail(v, "expected a reduced index variable (lower case, e.g. 'm'), found " + v.describe());
      r.vars.push_back(v.text);
      if (at_punct(",")) {
        next();
        continue;
      }
      expect("]", "',' or ']' in the reduced ranks");
      break;
    }
    return r;
  }

  // `in_gather`: the access is a gather's index tensor, whose indices may not gather again (so
  // the nesting, and every analysis's recursion over it, stops at one level).
  Access parse_access(bool output, bool in_gather = false) {
    const Token& name = next();
    if (name.kind != Token::Kind::Identifier)
      fail(name, std::string("expected ") + (output ? "the output tensor" : "a tensor") +
                     ", found " + name.describe());
    Access a;
    a.tensor = name.text;
    a.pos = at(name.offset);
    if (!at_punct("[")) return a;
    next();
    while (true) {
      a.indices.push_back(parse_index(output, in_gather));
      if (at_punct(",")) {
        next();
        continue;
      }
      expect("]", "',' or ']' after an index");
      break;
    }
    return a;
  }

  struct IndexTerm {
    const Token* name = nullptr;   // identifier, or number
    const Token* scale = nullptr;  // identifier after '*'
  };

  IndexExpr parse_index(bool output, bool in_gather) {
    if (peek().kind == Token::Kind::Identifier && at_punct("[", 1)) {
      const Token& t = peek();
      if (output) fail(t, "an output index must be a variable (m) or a recurrence step (m+1), not a gather");
      if (in_gather) fail(t, "a gather's index tensor may not itself be indexed by a gather");
      IndexExpr idx;
      idx.form = IndexExpr::Form::Gathered;
      idx.pos = at(t.offset);
      idx.gather = std::make_shared<const Access>(parse_access(/*output=*/false, /*in_gather=*/true));
      return idx;
    }
    std::vector<IndexTerm> terms;
    std::vector<int> signs;  // signs[i] joins terms[i] and terms[i + 1]
    const int first_offset = peek().offset;
    while (true) {
      IndexTerm term;
      const Token& t = next();
      if (t.kind != Token::Kind::Identifier && t.kind != Token::Kind::Number)
        fail(t, "expected an index (e.g. m, m+1, m1*M0+m0, 0, M1 or a gather H[n,c]), found " + t.describe());
      term.name = &t;
      if (at_punct("*")) {
        next();
        const Token& s = next();
        if (s.kind != Token::Kind::Identifier)
          fail(s, "expected a rank name after '*' in an index, found " + s.describe());
        term.scale = &s;
      }
      terms.push_back(term);
      if (at_punct("+") || at_punct("-")) {
        signs.push_back(next().text == "+" ? 1 : -1);
        continue;
      }
      break;
    }
    return classify(terms, signs, first_offset, output);
  }

  IndexExpr classify(const std::vector<IndexTerm>& terms, const std::vector<int>& signs,
                     int offset, bool output) {
    IndexExpr idx;
    idx.pos = at(offset);
    const auto unsupported = [&]() { unsupported_index(offset, output); };
    const IndexTerm& a = terms[0];
    const bool a_var = a.name->kind == Token::Kind::Identifier && is_index_variable(a.name->text);
    if (terms.size() == 1 && !a.scale) {
      if (a_var) {
        idx.form = IndexExpr::Form::Variable;
        idx.var = a.name->text;
        return idx;
      }
      if (output) unsupported();
      idx.form = IndexExpr::Form::Constant;
      if (a.name->kind == Token::Kind::Number) {
        idx.const_value = parse_integer(*a.name);
      } else if (is_rank_name(a.name->text)) {
        idx.const_rank = a.name->text;
      } else {
        fail(*a.name, "index '" + a.name->text +
                          "' is neither an index variable (lower case) nor a rank (upper case)");
      }
      return idx;
    }
    if (terms.size() == 2 && a_var && !a.scale && !terms[1].scale &&
        terms[1].name->kind == Token::Kind::Number) {
      idx.form = IndexExpr::Form::Shifted;
      idx.var = a.name->text;
      idx.offset = signs[0] * parse_integer(*terms[1].name);
      if (idx.offset == 0) unsupported();
      return idx;
    }
    if (!output && terms.size() == 2 && a_var && a.scale && signs[0] == 1 && !terms[1].scale &&
        terms[1].name->kind == Token::Kind::Identifier && is_index_variable(terms[1].name->text) &&
        is_rank_name(a.scale->text)) {
      idx.form = IndexExpr::Form::Flattened;
      idx.var = a.name->text;
      idx.scale_rank = a.scale->text;
      idx.inner_var = terms[1].name->text;
      return idx;
    }
    unsupported_index(offset, output);
  }

  [[noreturn]] void unsupported_index(int offset, bool output) const {
    throw base::InputError(file_, at(offset),
                        output ? "an output index must be a variable (m) or a recurrence step (m+1)"
                               : "unsupported index: expected m, m+1, m1*M0+m0, a number, a "
                                 "rank name or a gather H[n,c]");
  }

  int64_t parse_integer(const Token& t) const {
    if (t.text.find_first_not_of("0123456789") != std::string::npos || t.text.size() > 12)
      fail(t, "expected a whole number as index, found " + t.describe());
    return std::stoll(t.text);
  }

  // Every recursive descent passes here or through a unary minus: the nesting of parentheses,
  // function arguments and minus signs is bounded, so the parser's stack is.
  class Nesting {
   public:
    Nesting(Parser& p, const Token& at) : p_(p) {
      if (++p_.nesting_ > kMaxExpressionDepth)
        p_.fail(at, "the expression nests deeper than " + std::to_string(kMaxExpressionDepth) +
                        " levels (parentheses, function calls, minus signs)");
    }
    ~Nesting() { --p_.nesting_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    Parser& p_;
  };

  // Seals a node and bounds the depth of the tree every analysis walks: a long sum a + b + c + ...
  // is a chain one level deeper per term.
  ExprPtr sealed(std::shared_ptr<Expr> e) {
    ExprPtr node = Expr::seal(std::move(e));
    if (node->depth > kMaxExpressionDepth)
      throw base::InputError(file_, node->pos,
                             "the expression is deeper than " + std::to_string(kMaxExpressionDepth) +
                                 " levels (each term of a sum or product adds one): split it into "
                                 "Einsums of their own");
    return node;
  }

  // A number as written (digits, a fraction, an exponent): one a double holds exactly or nearly;
  // 1e999 (beyond the largest double) and 1e-999 (below the smallest) are errors, not inf or 0.
  double parse_real(const Token& t) const {
    double v = 0;
    const auto [end, error] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), v);
    if (error == std::errc::result_out_of_range)
      fail(t, "number '" + t.text + "' is out of the range of a double (about 1e-308 to 1e308)");
    if (error != std::errc() || end != t.text.data() + t.text.size())
      fail(t, "malformed number '" + t.text + "'");
    return v;
  }

  ExprPtr parse_expr() {
    const Nesting nesting(*this, peek());
    ExprPtr left = parse_term();
    while (at_punct("+") || at_punct("-")) {
      const Token& op = next();
      left = binary(op, left, parse_term());
    }
    return left;
  }

  ExprPtr parse_term() {
    ExprPtr left = parse_unary();
    while (at_punct("*") || at_punct("/")) {
      const Token& op = next();
      left = binary(op, left, parse_unary());
    }
    return left;
  }

  ExprPtr binary(const Token& op, ExprPtr l, ExprPtr r) {
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::Binary;
    e->op = op.text[0];
    e->pos = at(op.offset);
    e->args = {std::move(l), std::move(r)};
    return sealed(e);
  }

  ExprPtr parse_unary() {
    if (at_punct("-")) {
      const Token& minus = next();
      // "-inf" and "-2" are numbers, so they print back as written.
      if (peek().kind == Token::Kind::Number || (peek().kind == Token::Kind::Identifier &&
                                                 peek().text == "inf" && !at_punct("[", 1))) {
        ExprPtr n = parse_primary();
        auto e = std::make_shared<Expr>(*n);
        e->number = -n->number;
        e->number_text = "-" + n->number_text;
        e->pos = at(minus.offset);
        return sealed(e);
      }
      const Nesting nesting(*this, minus);
      auto e = std::make_shared<Expr>();
      e->kind = Expr::Kind::Negate;
      e->pos = at(minus.offset);
      e->args = {parse_unary()};
      return sealed(e);
    }
    return parse_primary();
  }

  ExprPtr parse_primary() {
    const Token& t = peek();
    auto e = std::make_shared<Expr>();
    e->pos = at(t.offset);
    if (t.kind == Token::Kind::Number) {
      next();
      e->kind = Expr::Kind::Number;
      e->number_text = t.text;
      e->number = parse_real(t);
      return sealed(e);
    }
    if (at_punct("(")) {
      next();
      ExprPtr inner = parse_expr();
      expect(")", "')'");
      return inner;
    }
    if (t.kind != Token::Kind::Identifier)
      fail(t, "expected a tensor, number, function or '(', found " + t.describe());
    if (t.text == "inf" && !at_punct("[", 1)) {
      next();
      e->kind = Expr::Kind::Number;
      e->number_text = "inf";
      e->number = std::numeric_limits<double>::infinity();
      return sealed(e);
    }
    if (at_punct("(", 1)) {
      next();
      next();
      e->kind = Expr::Kind::Call;
      e->function = t.text;
      const bool unary = is_unary_function(t.text), binary_fn = is_binary_function(t.text);
      if (!unary && !binary_fn)
        fail(t, "unknown function '" + t.text +
                    "' (known: exp, log, sqrt, relu, gelu, tanh, abs, floor, frac, max, min, mod)");
      e->args.push_back(parse_expr());
      if (binary_fn) {
        expect(",", "',' between the two arguments of " + t.text);
        e->args.push_back(parse_expr());
      }
      expect(")", "')' closing " + t.text + "(");
      return sealed(e);
    }
    if (reduce_op_from_name(t.text) && at_punct("[", 1))
      fail(t, "a reduction " + t.text +
                  "[...] must be the whole right-hand side; give it an Einsum of its own");
    e->kind = Expr::Kind::Access;
    e->access = parse_access(/*output=*/false);
    return sealed(e);
  }

  std::string file_;
  base::SourcePos start_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;
};

}  // namespace

Einsum parse_einsum(const std::string& text, const std::string& file, base::SourcePos start) {
  return Parser(text, file, start).parse();
}

}  // namespace cascade::workloads
