// Pure pacing policy for one host: spaced request starts, pauses after rate-limit answers.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace atbackfill::throttle {

using Clock = std::chrono::steady_clock;

// A "theoretical arrival time" scheduler without burst: consecutive starts are at least
// 60 s / requests_per_minute apart and are handed out in call order.
class RatePolicy {
 public:
  // A rate <= 0 means no pacing (penalties still apply).
  explicit RatePolicy(int requests_per_minute);

  Clock::duration interval() const { return interval_; }

  // Books the earliest start at or after `now` and returns it; the caller waits until then.
  Clock::time_point reserve(Clock::time_point now);

  // After a 429 and the like: nothing starts before `until`. Never shortens a pause.
  void penalize_until(Clock::time_point until);
  Clock::time_point blocked_until() const { return blocked_until_; }

 private:
  Clock::duration interval_;
  Clock::time_point next_start_{};
  Clock::time_point blocked_until_{};
};

// The response fields that carry rate-limit hints (header names lowercased).
struct RateLimitHeaders {
  unsigned status = 0;
  std::optional<std::string_view> retry_after;
  std::optional<std::string_view> ratelimit_remaining;
  std::optional<std::string_view> ratelimit_reset;
};

struct RateLimitHint {
  bool limited = false;  // the server asks for a pause
  std::optional<std::chrono::seconds> wait;  // how long, when it said so (never negative)
};

// 429, `ratelimit-remaining: 0`, or 503 with Retry-After mean "pause". The length comes from
// Retry-After (seconds or HTTP-date), else from ratelimit-reset.
RateLimitHint read_rate_limit(const RateLimitHeaders& headers,
                              std::chrono::system_clock::time_point now);

// The pause to apply for a hint: nullopt when not limited, `fallback` when the server gave
// no usable length, at most `max`.
std::optional<std::chrono::milliseconds> penalty_for(const RateLimitHint& hint,
                                                     std::chrono::milliseconds fallback,
                                                     std::chrono::milliseconds max);

// Retry-After: delta-seconds or an HTTP-date; the wait from `now`, clamped at zero.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

// ratelimit-reset: atproto PDSs send a Unix time in seconds; the IETF draft sends seconds
// from now. Values below 10^9 (2001) can only be the latter.
std::optional<std::chrono::seconds> parse_ratelimit_reset(std::string_view value,
                                                          std::chrono::system_clock::time_point now);

// IMF-fixdate, RFC 850 and asctime dates (RFC 9110 section 5.6.7).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value);

}  // namespace atbackfill::throttle
