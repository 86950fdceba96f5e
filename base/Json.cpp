#include "base/Json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace cascade::base {

const JsonValue* JsonValue::find(std::string_view name) const {
  if (kind != Kind::Object) return nullptr;
  for (const auto& [key, value] : members)
    if (key == name) return &value;
  return nullptr;
}

SourcePos JsonReader::pos() const {
  return {line_, static_cast<int>(std::min<size_t>(at_ - line_start_ + 1, 1u << 30))};
}

void JsonReader::fail(const std::string& message) const { throw InputError(file_, pos(), message); }

void JsonReader::skip_blanks() {
  while (at_ < text_.size()) {
    const char c = text_[at_];
    if (c == '\n') {
      ++line_;
      line_start_ = at_ + 1;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      return;
    }
    ++at_;
  }
}

bool JsonReader::consume(char c) {
  skip_blanks();
  if (at_ < text_.size() && text_[at_] == c) {
    ++at_;
    return true;
  }
  return false;
}

void JsonReader::expect(char c, const char* what) {
  if (consume(c)) return;
  if (at_end()) fail(std::string("the JSON ends where ") + what + " was expected (truncated?)");
  fail(std::string("expected ") + what + ", found '" + text_[at_] + "'");
}

bool JsonReader::at_end() {
  skip_blanks();
  return at_ >= text_.size();
}

JsonValue JsonReader::value() { return parse(0); }

JsonValue JsonReader::parse(int depth) {
  skip_blanks();
  JsonValue v;
  v.pos = pos();
  if (at_ >= text_.size()) fail("the JSON ends where a value was expected (truncated?)");
  const char c = text_[at_];
  if (c == '{' || c == '[') {
    if (depth >= kMaxJsonDepth)
      fail("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    ++at_;
    const bool object = c == '{';
    v.kind = object ? JsonValue::Kind::Object : JsonValue::Kind::Array;
    const char close = object ? '}' : ']';
    if (consume(close)) return v;
    while (true) {
      if (object) {
        skip_blanks();
        if (at_ >= text_.size() || text_[at_] != '"') {
          if (at_ >= text_.size()) fail("the JSON ends inside an object (truncated?)");
          fail("expected a member name in quotes");
        }
        std::string key = string();
        expect(':', "':' after a member name");
        v.members.push_back({std::move(key), parse(depth + 1)});
      } else {
        v.items.push_back(parse(depth + 1));
      }
      if (consume(',')) continue;
      expect(close, object ? "',' or '}'" : "',' or ']'");
      return v;
    }
  }
  if (c == '"') {
    v.kind = JsonValue::Kind::String;
    v.string = string();
    return v;
  }
  if (c == 't' || c == 'f') {
    v.kind = JsonValue::Kind::Bool;
    v.boolean = c == 't';
    literal(v.boolean ? "true" : "false");
    return v;
  }
  if (c == 'n') {
    literal("null");
    return v;
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    v.kind = JsonValue::Kind::Number;
    v.number = number();
    return v;
  }
  fail(std::string("expected a JSON value, found '") + c + "'");
}

void JsonReader::literal(const char* word) {
  const std::string_view w(word);
  if (text_.substr(at_, w.size()) != w) fail("expected '" + std::string(w) + "'");
  at_ += w.size();
}

double JsonReader::number() {
  const size_t start = at_;
  const auto digits = [&] {
    const size_t from = at_;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
    return at_ > from;
  };
  if (text_[at_] == '-') ++at_;
  if (!digits()) fail("expected digits in a number");
  if (at_ < text_.size() && text_[at_] == '.') {
    ++at_;
    if (!digits()) fail("expected digits after the decimal point");
  }
  if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
    ++at_;
    if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
    if (!digits()) fail("expected digits in the exponent");
  }
  double v = 0;
  const auto [end, error] = std::from_chars(text_.data() + start, text_.data() + at_, v);
  if (error == std::errc::result_out_of_range) {
    // (from_chars leaves v as it was.) Underflow to zero is harmless; overflow is not a number a
    // trace can mean.
    if (std::isinf(std::strtod(std::string(text_.substr(start, at_ - start)).c_str(), nullptr)))
      fail("number " + std::string(text_.substr(start, at_ - start)) + " is out of range");
    v = 0;
  } else if (error != std::errc() || end != text_.data() + at_) {
    fail("malformed number");
  }
  return v;
}

uint32_t JsonReader::hex4() {
  if (at_ + 4 > text_.size()) fail("the JSON ends inside a \\u escape (truncated?)");
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const char h = text_[at_++];
    v <<= 4;
    if (h >= '0' && h <= '9') v |= static_cast<uint32_t>(h - '0');
    else if (h >= 'a' && h <= 'f') v |= static_cast<uint32_t>(h - 'a' + 10);
    else if (h >= 'A' && h <= 'F') v |= static_cast<uint32_t>(h - 'A' + 10);
    else fail("expected 4 hexadecimal digits after \\u");
  }
  return v;
}

std::string JsonReader::string() {
  skip_blanks();
  if (at_ >= text_.size() || text_[at_] != '"') fail("expected a string");
  ++at_;
  std::string out;
  while (true) {
    if (at_ >= text_.size()) fail("the JSON ends inside a string (truncated?)");
    const char c = text_[at_++];
    if (c == '"') return out;
    if (static_cast<unsigned char>(c) < 0x20) {
      --at_;
      fail("a control character inside a string (it must be escaped)");
    }
    if (c != '\\') {
      out += c;
      continue;
    }
    if (at_ >= text_.size()) fail("the JSON ends inside a string (truncated?)");
    const char e = text_[at_++];
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        uint32_t code = hex4();
        if (code >= 0xD800 && code <= 0xDBFF) {
          if (text_.substr(at_, 2) != "\\u") fail("a high surrogate without its low surrogate");
          at_ += 2;
          const uint32_t low = hex4();
          if (low < 0xDC00 || low > 0xDFFF) fail("a high surrogate without its low surrogate");
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
        } else if (code >= 0xDC00 && code <= 0xDFFF) {
          fail("a low surrogate without its high surrogate");
        }
        // UTF-8.
        if (code < 0x80) {
          out += static_cast<char>(code);
        } else if (code < 0x800) {
          out += static_cast<char>(0xC0 | (code >> 6));
          out += static_cast<char>(0x80 | (code & 0x3F));
        } else if (code < 0x10000) {
          out += static_cast<char>(0xE0 | (code >> 12));
          out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
          out += static_cast<char>(0xF0 | (code >> 18));
          out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
          out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (code & 0x3F));
        }
        break;
      }
      default:
        --at_;
        fail(std::string("unknown escape '\\") + e + "' in a string");
    }
  }
}

JsonValue parse_json(std::string_view text, const std::string& file) {
  JsonReader reader(text, file);
  JsonValue v = reader.value();
  if (!reader.at_end()) reader.fail("text after the JSON value");
  return v;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  out += '"';
}

namespace {

void append(std::string& out, const JsonValue& v) {
  // Depth is bounded by the reader (kMaxJsonDepth), so this recursion is too.
  switch (v.kind) {
    case JsonValue::Kind::Null: out += "null"; return;
    case JsonValue::Kind::Bool: out += v.boolean ? "true" : "false"; return;
    case JsonValue::Kind::Number: {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.17g", v.number);
      out += buffer;
      return;
    }
    case JsonValue::Kind::String: append_json_string(out, v.string); return;
    case JsonValue::Kind::Array:
      out += '[';
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ',';
        append(out, v.items[i]);
      }
      out += ']';
      return;
    case JsonValue::Kind::Object:
      out += '{';
      for (size_t i = 0; i < v.members.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, v.members[i].name);
        out += ':';
        append(out, v.members[i].value);
      }
      out += '}';
      return;
  }
}

}  // namespace

std::string to_json_text(const JsonValue& v) {
  std::string out;
  append(out, v);
  return out;
}

}  // namespace cascade::base
