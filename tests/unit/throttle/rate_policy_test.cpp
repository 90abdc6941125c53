// Tests for the pacing policy and the rate-limit header parsing, with fake time.
#include <gtest/gtest.h>

#include "throttle/rate_policy.hpp"

namespace atbackfill::throttle {
namespace {

using namespace std::chrono_literals;
using std::chrono::seconds;
using std::chrono::system_clock;

const Clock::time_point t0 = Clock::time_point(1000h);

TEST(RatePolicy, IntervalIsSixtySecondsOverRate) {
  EXPECT_EQ(RatePolicy(60).interval(), 1s);
  EXPECT_EQ(RatePolicy(100).interval(), 600ms);
  EXPECT_EQ(RatePolicy(6000).interval(), 10ms);
  EXPECT_EQ(RatePolicy(0).interval(), Clock::duration::zero());
  EXPECT_EQ(RatePolicy(-5).interval(), Clock::duration::zero());
}

TEST(RatePolicy, FirstRequestStartsAtOnce) {
  RatePolicy policy(60);
  EXPECT_EQ(policy.reserve(t0), t0);
}

TEST(RatePolicy, SimultaneousRequestsAreSpacedInCallOrderWithoutBurst) {
  RatePolicy policy(60);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(policy.reserve(t0), t0 + seconds(i)) << i;
}

TEST(RatePolicy, IdleTimeDoesNotAccumulateCredit) {
  RatePolicy policy(60);
  EXPECT_EQ(policy.reserve(t0), t0);
  // Long idle: the next one starts at once, but the one after still waits a full interval.
  EXPECT_EQ(policy.reserve(t0 + 1h), t0 + 1h);
  EXPECT_EQ(policy.reserve(t0 + 1h), t0 + 1h + 1s);
  EXPECT_EQ(policy.reserve(t0 + 1h + 500ms), t0 + 1h + 2s);
}

TEST(RatePolicy, RequestArrivingAfterItsSlotStartsWhenItArrives) {
  RatePolicy policy(60);
  EXPECT_EQ(policy.reserve(t0), t0);
  EXPECT_EQ(policy.reserve(t0 + 1500ms), t0 + 1500ms);
  EXPECT_EQ(policy.reserve(t0 + 1600ms), t0 + 2500ms);
}

TEST(RatePolicy, StartsAreNeverCloserThanTheInterval) {
  RatePolicy policy(100);
  Clock::time_point previous = policy.reserve(t0);
  // Arrival pattern with bursts and gaps.
  const Clock::duration gaps[] = {0ms, 0ms, 100ms, 2s, 0ms, 599ms, 601ms, 0ms, 10s, 1ms};
  Clock::time_point now = t0;
  for (const auto gap : gaps) {
    now += gap;
    const auto start = policy.reserve(now);
    EXPECT_GE(start, now);
    EXPECT_GE(start - previous, 600ms);
    previous = start;
  }
}

TEST(RatePolicy, PenaltyDelaysEverythingAndIsNeverShortened) {
  RatePolicy policy(60);
  EXPECT_EQ(policy.reserve(t0), t0);
  policy.penalize_until(t0 + 30s);
  policy.penalize_until(t0 + 10s);  // a shorter hint later must not shorten the pause
  EXPECT_EQ(policy.blocked_until(), t0 + 30s);
  EXPECT_EQ(policy.reserve(t0 + 2s), t0 + 30s);
  EXPECT_EQ(policy.reserve(t0 + 2s), t0 + 31s);
  EXPECT_EQ(policy.reserve(t0 + 40s), t0 + 40s);
}

TEST(RatePolicy, UnpacedPolicyStillHonoursPenalties) {
  RatePolicy policy(0);
  EXPECT_EQ(policy.reserve(t0), t0);
  EXPECT_EQ(policy.reserve(t0), t0);
  policy.penalize_until(t0 + 5s);
  EXPECT_EQ(policy.reserve(t0), t0 + 5s);
}

const system_clock::time_point wall = system_clock::time_point(seconds(1796301000));

TEST(HttpDate, ParsesTheThreeFormats) {
  const auto expected = system_clock::time_point(seconds(784111777));  // 1994-11-06 08:49:37Z
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), expected);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), expected);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), expected);
}

TEST(HttpDate, RejectsGarbage) {
  for (const char* bad : {"", "soon", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 24:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
                          "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 06 Nov 194 08:49:37 GMT",
                          "Sun, 29 Feb 2023 08:49:37 GMT"})
    EXPECT_FALSE(parse_http_date(bad).has_value()) << bad;
  EXPECT_TRUE(parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT").has_value());
}

TEST(RetryAfter, SecondsOrDate) {
  EXPECT_EQ(parse_retry_after("120", wall), seconds(120));
  EXPECT_EQ(parse_retry_after(" 0 ", wall), seconds(0));
  // 1796301000 = Thu, 03 Dec 2026 12:30:00 GMT
  EXPECT_EQ(parse_retry_after("Thu, 03 Dec 2026 12:31:30 GMT", wall), seconds(90));
  EXPECT_EQ(parse_retry_after("Thu, 03 Dec 2026 12:00:00 GMT", wall), seconds(0));  // past
  EXPECT_FALSE(parse_retry_after("-5", wall).has_value());
  EXPECT_FALSE(parse_retry_after("1.5", wall).has_value());
  EXPECT_FALSE(parse_retry_after("later", wall).has_value());
}

TEST(RateLimitReset, UnixTimeInSecondsOrDelta) {
  EXPECT_EQ(parse_ratelimit_reset("1796301390", wall), seconds(390));
  EXPECT_EQ(parse_ratelimit_reset("1796300000", wall), seconds(0));  // already past
  EXPECT_EQ(parse_ratelimit_reset("30", wall), seconds(30));         // IETF-draft delta
  EXPECT_FALSE(parse_ratelimit_reset("abc", wall).has_value());
  EXPECT_FALSE(parse_ratelimit_reset("", wall).has_value());
}

TEST(ReadRateLimit, OrdinaryResponseIsNotLimited) {
  EXPECT_FALSE(read_rate_limit({200, {}, {}, {}}, wall).limited);
  EXPECT_FALSE(read_rate_limit({200, {}, "2993", "1796301390"}, wall).limited);
  EXPECT_FALSE(read_rate_limit({500, "10", {}, {}}, wall).limited);
  EXPECT_FALSE(read_rate_limit({503, {}, {}, {}}, wall).limited);
}

TEST(ReadRateLimit, TooManyRequestsPrefersRetryAfter) {
  const auto hint = read_rate_limit({429, "7", "0", "1796301390"}, wall);
  EXPECT_TRUE(hint.limited);
  EXPECT_EQ(hint.wait, seconds(7));
}

TEST(ReadRateLimit, TooManyRequestsFallsBackToReset) {
  const auto hint = read_rate_limit({429, "garbage", "0", "1796301390"}, wall);
  EXPECT_TRUE(hint.limited);
  EXPECT_EQ(hint.wait, seconds(390));
}

TEST(ReadRateLimit, TooManyRequestsWithoutHints) {
  const auto hint = read_rate_limit({429, {}, {}, {}}, wall);
  EXPECT_TRUE(hint.limited);
  EXPECT_FALSE(hint.wait.has_value());
}

TEST(ReadRateLimit, ExhaustedBudgetOnASuccessPausesUntilReset) {
  const auto hint = read_rate_limit({200, {}, "0", "1796301060"}, wall);
  EXPECT_TRUE(hint.limited);
  EXPECT_EQ(hint.wait, seconds(60));
}

TEST(ReadRateLimit, UnavailableWithRetryAfter) {
  const auto hint = read_rate_limit({503, "15", {}, {}}, wall);
  EXPECT_TRUE(hint.limited);
  EXPECT_EQ(hint.wait, seconds(15));
}

TEST(PenaltyFor, DefaultsAndBounds) {
  EXPECT_FALSE(penalty_for({false, seconds(5)}, 60s, 15min).has_value());
  EXPECT_EQ(penalty_for({true, std::nullopt}, 60s, 15min), 60s);
  EXPECT_EQ(penalty_for({true, seconds(5)}, 60s, 15min), 5s);
  EXPECT_EQ(penalty_for({true, seconds(0)}, 60s, 15min), 0s);
  EXPECT_EQ(penalty_for({true, seconds(86400)}, 60s, 15min), 15min);
}

}  // namespace
}  // namespace atbackfill::throttle
