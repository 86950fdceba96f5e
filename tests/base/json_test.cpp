// The bounded JSON reader (base/Json.h): values, positions, and every malformed input an error.
#include <gtest/gtest.h>

#include "base/Json.h"

namespace cascade::base {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_json(text, "t.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Json, ReadsValuesWithTheirPositions) {
  const JsonValue v = parse_json("{\n \"a\": [1, -2.5e3, true, null],\n \"s\": \"x\\u00e9\\ud83d\\ude00\\n\"}", "t.json");
  ASSERT_TRUE(v.is_object());
  const JsonValue* a = v.find("a");
  ASSERT_TRUE(a && a->is_array());
  EXPECT_EQ(a->items.size(), 4u);
  EXPECT_EQ(a->items[1].number, -2500);
  EXPECT_EQ(a->pos, (SourcePos{2, 7}));
  // é is 2 bytes of UTF-8, the emoji (a surrogate pair) 4.
  EXPECT_EQ(v.find("s")->string, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_EQ(v.find("missing"), nullptr);
  EXPECT_EQ(to_json_text(*a), "[1,-2500,true,null]");
}

TEST(Json, NestingIsBounded) {
  std::string deep(kMaxJsonDepth, '[');
  deep += std::string(kMaxJsonDepth, ']');
  EXPECT_EQ(error_of(deep), "no error");
  EXPECT_EQ(error_of("[" + deep + "]"), "t.json:1:65: error: JSON nested deeper than 64 levels");
  // 100,000 levels: refused at the 65th, in no time and no stack.
  EXPECT_EQ(error_of(std::string(100000, '[')), "t.json:1:65: error: JSON nested deeper than 64 levels");
}

TEST(Json, MalformedInputIsAnError) {
  EXPECT_EQ(error_of("1e999"), "t.json:1:6: error: number 1e999 is out of range");
  EXPECT_EQ(error_of("1e-999"), "no error");  // underflow: 0
  EXPECT_EQ(error_of("{\"a\": [1, 2"), "t.json:1:12: error: the JSON ends where ',' or ']' was expected (truncated?)");
  EXPECT_EQ(error_of("\"\\ud800\""), "t.json:1:8: error: a high surrogate without its low surrogate");
  EXPECT_EQ(error_of("\"\\udc00\""), "t.json:1:8: error: a low surrogate without its high surrogate");
  EXPECT_EQ(error_of("\"a\nb\""), "t.json:1:3: error: a control character inside a string (it must be escaped)");
  EXPECT_EQ(error_of("\"\\q\""), "t.json:1:3: error: unknown escape '\\q' in a string");
  EXPECT_EQ(error_of("[1] 2"), "t.json:1:5: error: text after the JSON value");
  EXPECT_EQ(error_of("-"), "t.json:1:2: error: expected digits in a number");
  EXPECT_EQ(error_of("tru"), "t.json:1:1: error: expected 'true'");
  EXPECT_EQ(error_of(""), "t.json:1:1: error: the JSON ends where a value was expected (truncated?)");
}

}  // namespace
}  // namespace cascade::base
