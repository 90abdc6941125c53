// normalize_datetime: accepted forms, field validation and conversion of offsets to UTC.
#include "atproto/datetime.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace atbackfill::atproto {
namespace {

TEST(Datetime, NormalizesValidForms) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2024-05-01T12:34:56.789Z", "2024-05-01 12:34:56.789000+00"},
      {"2024-05-01T12:34:56Z", "2024-05-01 12:34:56.000000+00"},
      {"2024-05-01t12:34:56z", "2024-05-01 12:34:56.000000+00"},
      {"2024-05-01 12:34:56Z", "2024-05-01 12:34:56.000000+00"},
      {"1985-04-12T23:20:50.123Z", "1985-04-12 23:20:50.123000+00"},
      {"1985-04-12T23:20:50.123456Z", "1985-04-12 23:20:50.123456+00"},
      {"1985-04-12T23:20:50.1Z", "1985-04-12 23:20:50.100000+00"},
      {"2023-01-01T00:00:00+00:00", "2023-01-01 00:00:00.000000+00"},
      {"2023-01-01T00:00:00-00:00", "2023-01-01 00:00:00.000000+00"},
      {"2024-05-01T12:34:56+02:00", "2024-05-01 10:34:56.000000+00"},
      {"2024-05-01T12:34:56-05:30", "2024-05-01 18:04:56.000000+00"},
      {"0001-01-01T00:00:00Z", "0001-01-01 00:00:00.000000+00"},
      {"9999-12-31T23:59:59.999999Z", "9999-12-31 23:59:59.999999+00"},
  };
  for (const auto& [input, expected] : cases) {
    const auto result = normalize_datetime(input);
    ASSERT_TRUE(result) << input;
    EXPECT_EQ(*result, expected) << input;
  }
}

TEST(Datetime, TruncatesLongFractionsToMicroseconds) {
  EXPECT_EQ(normalize_datetime("2024-05-01T12:34:56.1234569Z"), "2024-05-01 12:34:56.123456+00");
  EXPECT_EQ(normalize_datetime("2024-05-01T12:34:56.999999999999999999Z"), "2024-05-01 12:34:56.999999+00");
  EXPECT_EQ(normalize_datetime("2024-05-01T12:34:56.000000001Z"), "2024-05-01 12:34:56.000000+00");
}

TEST(Datetime, ConvertsOffsetsAcrossBoundaries) {
  // Across midnight backwards and forwards.
  EXPECT_EQ(normalize_datetime("2024-05-01T01:00:00+02:00"), "2024-04-30 23:00:00.000000+00");
  EXPECT_EQ(normalize_datetime("2024-05-01T23:30:00-01:00"), "2024-05-02 00:30:00.000000+00");
  // Across the new year, both ways.
  EXPECT_EQ(normalize_datetime("2024-01-01T00:30:00+01:00"), "2023-12-31 23:30:00.000000+00");
  EXPECT_EQ(normalize_datetime("2023-12-31T23:30:00-01:00"), "2024-01-01 00:30:00.000000+00");
  // Into a leap day and out of February in a common year.
  EXPECT_EQ(normalize_datetime("2024-03-01T00:10:00+00:20"), "2024-02-29 23:50:00.000000+00");
  EXPECT_EQ(normalize_datetime("2023-03-01T00:10:00+00:20"), "2023-02-28 23:50:00.000000+00");
  EXPECT_EQ(normalize_datetime("2024-02-28T23:59:00-23:59"), "2024-02-29 23:58:00.000000+00");
  // Extreme offsets keep the fraction and seconds untouched.
  EXPECT_EQ(normalize_datetime("2024-06-15T12:00:07.5+23:59"), "2024-06-14 12:01:07.500000+00");
}

TEST(Datetime, RejectsResultsOutsideYearRange) {
  EXPECT_FALSE(normalize_datetime("0001-01-01T00:30:00+01:00"));
  EXPECT_FALSE(normalize_datetime("9999-12-31T23:30:00-01:00"));
  EXPECT_TRUE(normalize_datetime("0001-01-01T01:00:00+01:00"));
}

TEST(Datetime, AcceptsLeapDaysOnlyInLeapYears) {
  EXPECT_TRUE(normalize_datetime("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(normalize_datetime("2000-02-29T00:00:00Z"));
  EXPECT_FALSE(normalize_datetime("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(normalize_datetime("1900-02-29T00:00:00Z"));
  EXPECT_FALSE(normalize_datetime("2100-02-29T00:00:00Z"));
}

TEST(Datetime, RejectsInvalidInput) {
  const std::vector<std::string> inputs = {
           "", "2024-05-01", "2024-05-01T12:34:56", "2024-05-01T12:34:56.789", "2024-05-01T12:34Z",
           "2024-02-30T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z",
           "2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z",
           "2024-05-01T12:34:60Z", "0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2024-05-01T12:34:56+24:00",
           "2024-05-01T12:34:56+23:60", "2024-05-01T12:34:56+0200", "2024-05-01T12:34:56+02", "2024-05-01T12:34:56.Z",
           "2024-05-01T12:34:56ZZ", "2024-05-01T12:34:56Z ", " 2024-05-01T12:34:56Z", "2024-05-01X12:34:56Z",
           "2024/05/01T12:34:56Z", "2024-5-01T12:34:56Z", "2024-05-01T1:34:56Z", "2024-05-01T12:34:56UTC",
           "2024-05-01T12:34:56+02:00:00", "+2024-05-01T12:34:56Z", "-002024-05-01T12:34:56Z",
           "2024-05-01T12:34:56.12a4Z", "yesterday", "2024-05-01T12:34:56.1" + std::string(60, '0') + "Z"};
  for (const auto& input : inputs) {
    EXPECT_FALSE(normalize_datetime(input)) << input;
  }
}

}  // namespace
}  // namespace atbackfill::atproto
