// Tests for parse_duration and format_duration.
#include <gtest/gtest.h>

#include "config/duration.hpp"

namespace atbackfill::config {
namespace {

using namespace std::chrono_literals;

Duration ok(std::string_view text) {
  auto parsed = parse_duration(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : Duration(-1);
}

std::string error(std::string_view text) {
  auto parsed = parse_duration(text);
  EXPECT_FALSE(parsed.ok()) << text << " parsed as " << (parsed ? parsed->count() : 0) << "ms";
  return parsed ? "" : parsed.error().message;
}

TEST(ParseDuration, AcceptsEachUnit) {
  EXPECT_EQ(ok("500ms"), 500ms);
  EXPECT_EQ(ok("30s"), 30s);
  EXPECT_EQ(ok("5m"), 5min);
  EXPECT_EQ(ok("24h"), 24h);
  EXPECT_EQ(ok("7d"), 7 * 24h);
  EXPECT_EQ(ok("1ms"), 1ms);
}

TEST(ParseDuration, AcceptsCompoundsInDecreasingOrder) {
  EXPECT_EQ(ok("1h30m"), 90min);
  EXPECT_EQ(ok("1d2h3m4s5ms"), 24h + 2h + 3min + 4s + 5ms);
  EXPECT_EQ(ok("0h5m"), 5min);  // a zero part is fine when the total is not zero
}

TEST(ParseDuration, RejectsMissingUnit) {
  EXPECT_EQ(error("5"), "\"5\" is not a valid duration: missing unit (ms, s, m, h or d)");
  EXPECT_EQ(error("1h30"), "\"1h30\" is not a valid duration: missing unit (ms, s, m, h or d)");
}

TEST(ParseDuration, RejectsUnknownUnit) {
  EXPECT_EQ(error("5x"),
            "\"5x\" is not a valid duration: unknown unit \"x\" (expected ms, s, m, h or d)");
  EXPECT_NE(error("5 s"), "");
  EXPECT_NE(error("5sec"), "");
  EXPECT_NE(error("5S"), "");
}

TEST(ParseDuration, RejectsNegativeZeroAndEmpty) {
  EXPECT_EQ(error("-1s"), "\"-1s\" is not a valid duration: durations cannot be negative");
  EXPECT_EQ(error("0s"), "\"0s\" is not a valid duration: must be greater than zero");
  EXPECT_EQ(error("0ms"), "\"0ms\" is not a valid duration: must be greater than zero");
  EXPECT_NE(error(""), "");
  EXPECT_NE(error("s"), "");
  EXPECT_NE(error("+5s"), "");
}

TEST(ParseDuration, RejectsFractionsAndBadOrder) {
  EXPECT_EQ(
      error("1.5h"),
      "\"1.5h\" is not a valid duration: use whole numbers (e.g. \"90m\" instead of \"1.5h\")");
  EXPECT_NE(error("30m1h"), "");
  EXPECT_NE(error("1m1m"), "");
}

TEST(ParseDuration, RejectsHugeValuesWithoutOverflow) {
  EXPECT_EQ(ok("3650d"), 3650 * 24h);
  EXPECT_NE(error("5000d"), "");
  EXPECT_NE(error("99999999999999999999999h"), "");
  EXPECT_NE(error("9223372036854775807ms"), "");
  EXPECT_NE(error("3660d1000000000ms"), "");
}

TEST(FormatDuration, UsesTheLargestUnits) {
  EXPECT_EQ(format_duration(90min), "1h30m");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(24h), "1d");
  EXPECT_EQ(format_duration(1001ms), "1s1ms");
  EXPECT_EQ(format_duration(0ms), "0ms");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (const auto text : {"1d2h3m4s5ms", "59s", "1h", "12h1ms"}) {
    EXPECT_EQ(format_duration(ok(text)), text);
  }
}

}  // namespace
}  // namespace atbackfill::config
