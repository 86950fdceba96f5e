#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/InputError.h"

namespace cascade::base {

struct JsonMember;

// A JSON value (RFC 8259) as read from a file, with the position where it starts. Objects keep
// their members in file order; find() returns the first member of a name.
struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> items;                             // Array
  std::vector<JsonMember> members;  // Object
  SourcePos pos;

  bool is_number() const { return kind == Kind::Number; }
  bool is_string() const { return kind == Kind::String; }
  bool is_array() const { return kind == Kind::Array; }
  bool is_object() const { return kind == Kind::Object; }
  // The member's value, or nullptr if this is not an object or has no such member.
  const JsonValue* find(std::string_view name) const;
};

struct JsonMember {
  std::string name;
  JsonValue value;
};

// Reads JSON text value by value, so that a caller can walk a large array one element at a time
// (a profiler trace's events) and keep what came before an error. Nesting deeper than
// kMaxJsonDepth, a number outside a double's range, bad escapes and invalid UTF-16 surrogates are
// InputErrors at the file, line and column; nothing recurses without that bound.
inline constexpr int kMaxJsonDepth = 64;

class JsonReader {
 public:
  JsonReader(std::string_view text, std::string file) : text_(text), file_(std::move(file)) {}

  // The value at the cursor (after blanks); the cursor moves past it.
  JsonValue value();
  // A string at the cursor (after blanks).
  std::string string();
  // Skips blanks; true and past `c` if it is next.
  bool consume(char c);
  // Skips blanks; an InputError unless `c` is next.
  void expect(char c, const char* what);
  // Skips blanks; true if the text ends here.
  bool at_end();
  SourcePos pos() const;
  [[noreturn]] void fail(const std::string& message) const;

 private:
  void skip_blanks();
  JsonValue parse(int depth);
  double number();
  void literal(const char* word);
  uint32_t hex4();

  std::string_view text_;
  std::string file_;
  size_t at_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
};

// A whole text holding one JSON value.
JsonValue parse_json(std::string_view text, const std::string& file);

// A value written back as compact JSON (numbers with %.17g, so they read back equal).
std::string to_json_text(const JsonValue& v);

// Appends `s` to `out` as a JSON string: quoted, with quotes, backslashes and control characters
// escaped (the rest as it is).
void append_json_string(std::string& out, std::string_view s);

}  // namespace cascade::base
