// The JSON span walker: exact spans, escaped keys, tricky strings, duplicates, bad input.
#include "atproto/json_spans.hpp"

#include <gtest/gtest.h>

#include <string>

namespace atbackfill::atproto {
namespace {

TEST(JsonSpans, FindsMemberSpansOfEveryKind) {
  const std::string text = R"( { "a" : 1 , "obj":{"x":[1,2,{"y":"}"}]}, "arr" : [ ] ,"s":"q\"}]","t":true,"n":null,"f":-1.5e+3 } )";
  EXPECT_EQ(json_member_span(text, "a"), "1");
  EXPECT_EQ(json_member_span(text, "obj"), R"({"x":[1,2,{"y":"}"}]})");
  EXPECT_EQ(json_member_span(text, "arr"), "[ ]");
  EXPECT_EQ(json_member_span(text, "s"), R"("q\"}]")");
  EXPECT_EQ(json_member_span(text, "t"), "true");
  EXPECT_EQ(json_member_span(text, "n"), "null");
  EXPECT_EQ(json_member_span(text, "f"), "-1.5e+3");
  EXPECT_FALSE(json_member_span(text, "missing"));
  EXPECT_FALSE(json_member_span(text, "x"));  // nested members are not members of the outer object
}

TEST(JsonSpans, SpanPointsIntoTheInput) {
  const std::string text = R"({"value":{"k":1}})";
  const auto span = json_member_span(text, "value");
  ASSERT_TRUE(span);
  EXPECT_EQ(span->data(), text.data() + 9);
}

TEST(JsonSpans, ComparesKeysAfterUnescaping) {
  const std::string text = R"({"\u0076alue":1,"va\"lue":2,"\\value":3,"v\/x":4})";
  EXPECT_EQ(json_member_span(text, "value"), "1");
  EXPECT_EQ(json_member_span(text, "va\"lue"), "2");
  EXPECT_EQ(json_member_span(text, "\\value"), "3");
  EXPECT_EQ(json_member_span(text, "v/x"), "4");
}

TEST(JsonSpans, StringsThatLookLikeStructureAreSkipped) {
  const std::string text = R"({"text":"{\"value\": 1} ] [ \\","value":{"a":"\\"},"z":0})";
  EXPECT_EQ(json_member_span(text, "value"), R"({"a":"\\"})");
}

TEST(JsonSpans, LastDuplicateWins) {
  EXPECT_EQ(json_member_span(R"({"value":1,"value":{"b":2}})", "value"), R"({"b":2})");
}

TEST(JsonSpans, NonAsciiKeysNeverMatchButAreSkipped) {
  EXPECT_EQ(json_member_span("{\"caf\xC3\xA9\":1,\"\\u00e9\":2,\"value\":3}", "value"), "3");
}

TEST(JsonSpans, ElementSpans) {
  const auto spans = json_element_spans(R"([ 1, "a,b" ,{"c":[2,3]},[], null ])");
  ASSERT_TRUE(spans);
  ASSERT_EQ(spans->size(), 5u);
  EXPECT_EQ((*spans)[0], "1");
  EXPECT_EQ((*spans)[1], R"("a,b")");
  EXPECT_EQ((*spans)[2], R"({"c":[2,3]})");
  EXPECT_EQ((*spans)[3], "[]");
  EXPECT_EQ((*spans)[4], "null");
  const auto empty = json_element_spans(" [ ] ");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(JsonSpans, DeepNestingNeedsNoRecursion) {
  const std::size_t depth = 100000;
  const std::string text = "{\"v\":" + std::string(depth, '[') + std::string(depth, ']') + ",\"w\":1}";
  EXPECT_EQ(json_member_span(text, "w"), "1");
  EXPECT_EQ(json_member_span(text, "v")->size(), 2 * depth);
}

TEST(JsonSpans, ValueSpanTrimsWhitespace) {
  EXPECT_EQ(json_value_span("  {\"a\":1}\n"), "{\"a\":1}");
  EXPECT_FALSE(json_value_span("{\"a\":1} x"));
  EXPECT_FALSE(json_value_span(""));
}

TEST(JsonSpans, MalformedInputFailsSafely) {
  for (const std::string text : {"", "[", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":\"unterminated}",
                                 "{\"a\":[1,2}", "{\"a\":{]}", "{1:2}", "{\"a\" 1}", "{\"a\":1,}", "[1,2",
                                 "\"\\", "{\"\\u00\":1}"}) {
    EXPECT_FALSE(json_member_span(text, "a")) << text;
  }
  EXPECT_FALSE(json_element_spans("[1,2"));
  EXPECT_FALSE(json_element_spans("[1 2]"));
  EXPECT_FALSE(json_element_spans("{}"));
  EXPECT_FALSE(json_member_span("[]", "a"));
}

}  // namespace
}  // namespace atbackfill::atproto
