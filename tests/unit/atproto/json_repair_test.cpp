// repair_for_jsonb: each replacement rule, and that everything else is kept byte for byte.
#include "atproto/json_repair.hpp"

#include <gtest/gtest.h>

#include <string>

namespace atbackfill::atproto {
namespace {

void expect_repair(const std::string& input, const std::string& expected) {
  const RepairedJson result = repair_for_jsonb(input);
  EXPECT_EQ(result.text, expected) << "input: " << input;
  EXPECT_TRUE(result.changed) << "input: " << input;
}

void expect_unchanged(const std::string& input) {
  const RepairedJson result = repair_for_jsonb(input);
  EXPECT_EQ(result.text, input);
  EXPECT_FALSE(result.changed) << "input: " << input;
}

TEST(JsonRepair, KeepsValidJson) {
  expect_unchanged("");
  expect_unchanged(R"({"text":"hello","n":123456789012345678901234567890,"a":[1,2,{"b":null}]})");
  expect_unchanged(R"({"e":"\n\t\"\\\/\b\f\r\u0041\u00e9\uFFFD"})");
  expect_unchanged("{\"t\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xEF\xBF\xBF\"}");
  expect_unchanged(R"({"emoji":"\ud83d\ude00","upper":"\uD83D\uDE00"})");
  expect_unchanged(R"({"x":"\u0001\u001f"})");
}

TEST(JsonRepair, ReplacesNulEscapesInAnyCase) {
  expect_repair(R"({"t":"a\u0000b"})", R"({"t":"a\ufffdb"})");
  expect_repair(R"({"t":"\u0000\u0000"})", R"({"t":"\ufffd\ufffd"})");
  expect_repair(R"({"\u0000":1})", R"({"\ufffd":1})");
}

TEST(JsonRepair, EscapedBackslashIsNotAnEscape) {
  // "\\u0000" is a backslash followed by the text u0000: no NUL anywhere.
  expect_unchanged(R"({"t":"\\u0000"})");
  expect_unchanged(R"({"t":"\\\\u0000"})");
  expect_unchanged(R"({"t":"\\ud800"})");
  // An odd number of backslashes does end in a real escape.
  expect_repair(R"({"t":"\\\u0000"})", R"({"t":"\\\ufffd"})");
}

TEST(JsonRepair, ReplacesLoneSurrogateEscapes) {
  expect_repair(R"({"t":"\ud800"})", R"({"t":"\ufffd"})");
  expect_repair(R"({"t":"\uDBFFx"})", R"({"t":"\ufffdx"})");
  expect_repair(R"({"t":"\udc00"})", R"({"t":"\ufffd"})");
  expect_repair(R"({"t":"\uDFFF\ud800"})", R"({"t":"\ufffd\ufffd"})");
  // A high surrogate followed by something that is not a low surrogate escape.
  expect_repair(R"({"t":"\ud800\u0041"})", R"({"t":"\ufffd\u0041"})");
  expect_repair(R"({"t":"\ud800\ud800\udc00"})", R"({"t":"\ufffd\ud800\udc00"})");
  expect_repair(R"({"t":"\ud800\\udc00"})", R"({"t":"\ufffd\\udc00"})");
  // Reversed pair: both lone.
  expect_repair(R"({"t":"\udc00\ud800"})", R"({"t":"\ufffd\ufffd"})");
  // At the very end of the text.
  expect_repair(R"(\ud800)", R"(\ufffd)");
}

TEST(JsonRepair, ReplacesInvalidUtf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  expect_repair("a\xFF" "b", "a" + fffd + "b");                          // never valid
  expect_repair("a\x80" "b", "a" + fffd + "b");                          // stray continuation
  expect_repair("\xC0\xAF", fffd + fffd);                                // overlong '/'
  expect_repair("\xC1\xBF", fffd + fffd);                                // overlong
  expect_repair("\xE0\x80\xAF", fffd + fffd + fffd);                     // overlong 3-byte
  expect_repair("\xF0\x80\x80\xAF", fffd + fffd + fffd + fffd);          // overlong 4-byte
  expect_repair("\xED\xA0\x80", fffd + fffd + fffd);                     // U+D800 encoded
  expect_repair("\xED\xBF\xBF", fffd + fffd + fffd);                     // U+DFFF encoded
  expect_repair("\xF4\x90\x80\x80", fffd + fffd + fffd + fffd);          // above U+10FFFF
  expect_repair("\xF5\x80\x80\x80", fffd + fffd + fffd + fffd);
  expect_repair("x\xE2\x82", "x" + fffd);                                // truncated at the end
  expect_repair("\xE2\x82x", fffd + "x");                                // truncated mid-text
  expect_repair("\xF0\x9F\x98\"", fffd + "\"");                          // quote is never swallowed
  expect_repair("\xC3\xA9\xC3", "\xC3\xA9" + fffd);
}

TEST(JsonRepair, LeavesMalformedEscapesAlone) {
  // Not our job to fix what is not JSON; just do not crash or read past the end.
  expect_unchanged(R"("\u12")");
  expect_unchanged("\"\\");
  expect_unchanged(R"("\uzzzz")");
}

TEST(JsonRepair, BackslashBeforeInvalidByteStillYieldsValidUtf8) {
  expect_repair("\"\\\xFF\"", "\"\\\xEF\xBF\xBD\"");
  expect_repair("\\\xC3", "\\\xEF\xBF\xBD");
  expect_unchanged("\"\\\xC3\xA9\"");
}

}  // namespace
}  // namespace atbackfill::atproto
