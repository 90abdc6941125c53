// Request spacing, penalties and the parsing of Retry-After / RateLimit-* headers.
#include "throttle/rate_policy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

namespace atbackfill::throttle {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
  text = trim(text);
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < 0) return std::nullopt;
  return value;
}

// Whole seconds from `now` until `when`, rounded up so that we never wake early; >= 0.
seconds until(system_clock::time_point when, system_clock::time_point now) {
  if (when <= now) return seconds(0);
  return std::chrono::ceil<seconds>(when - now);
}

std::optional<unsigned> month_number(std::string_view name) {
  static constexpr std::array<std::string_view, 12> names = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() != 3) return std::nullopt;
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (unsigned i = 0; i < names.size(); ++i)
    if (names[i] == lower) return i + 1;
  return std::nullopt;
}

}  // namespace

RatePolicy::RatePolicy(int requests_per_minute)
    : interval_(requests_per_minute <= 0
                    ? Clock::duration::zero()
                    : std::chrono::duration_cast<Clock::duration>(std::chrono::minutes(1)) /
                          requests_per_minute) {}

Clock::time_point RatePolicy::reserve(Clock::time_point now) {
  const auto start = std::max({now, next_start_, blocked_until_});
  next_start_ = start + interval_;
  return start;
}

void RatePolicy::penalize_until(Clock::time_point until) {
  blocked_until_ = std::max(blocked_until_, until);
}

std::optional<system_clock::time_point> parse_http_date(std::string_view value) {
  // The three formats share an order once split at blanks, commas and dashes: weekday,
  // then the day before the year, a month name, and an hh:mm:ss token.
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < value.size()) {
    const auto end = value.find_first_of(" ,-\t", i);
    const auto token = value.substr(i, end == std::string_view::npos ? end : end - i);
    if (!token.empty()) tokens.push_back(token);
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  std::optional<unsigned> month;
  std::vector<std::string_view> numbers;
  std::string_view time;
  bool gmt_or_none = true;
  for (std::size_t t = 1; t < tokens.size(); ++t) {  // tokens[0] is the weekday
    const auto token = tokens[t];
    if (token.find(':') != std::string_view::npos) {
      time = token;
    } else if (auto m = month_number(token)) {
      month = m;
    } else if (std::isdigit(static_cast<unsigned char>(token.front()))) {
      numbers.push_back(token);
    } else {
      gmt_or_none = token == "GMT" || token == "UTC";
    }
  }
  if (tokens.empty() || !month || numbers.size() != 2 || time.size() != 8 || !gmt_or_none)
    return std::nullopt;
  const auto day = parse_integer(numbers[0]);
  auto year = parse_integer(numbers[1]);
  const auto hh = parse_integer(time.substr(0, 2));
  const auto mm = parse_integer(time.substr(3, 2));
  const auto ss = parse_integer(time.substr(6, 2));
  if (!day || !year || !hh || !mm || !ss || time[2] != ':' || time[5] != ':') return std::nullopt;
  if (numbers[1].size() == 2) *year += *year < 70 ? 2000 : 1900;  // RFC 850 two-digit years
  if (numbers[1].size() != 2 && numbers[1].size() != 4) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(*year)),
                                         std::chrono::month(*month),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || *hh > 23 || *mm > 59 || *ss > 60) return std::nullopt;
  return std::chrono::sys_days(date) + std::chrono::hours(*hh) + std::chrono::minutes(*mm) +
         seconds(*ss);
}

std::optional<seconds> parse_retry_after(std::string_view value, system_clock::time_point now) {
  if (const auto delay = parse_integer(value)) return seconds(*delay);
  if (const auto date = parse_http_date(trim(value))) return until(*date, now);
  return std::nullopt;
}

std::optional<seconds> parse_ratelimit_reset(std::string_view value, system_clock::time_point now) {
  const auto number = parse_integer(value);
  if (!number) return std::nullopt;
  constexpr std::int64_t unix_time_threshold = 1'000'000'000;
  if (*number < unix_time_threshold) return seconds(*number);
  return until(system_clock::time_point(seconds(*number)), now);
}

RateLimitHint read_rate_limit(const RateLimitHeaders& headers, system_clock::time_point now) {
  RateLimitHint hint;
  std::optional<seconds> retry_after;
  if (headers.retry_after) retry_after = parse_retry_after(*headers.retry_after, now);
  const bool exhausted =
      headers.ratelimit_remaining && parse_integer(*headers.ratelimit_remaining) == 0;
  hint.limited = headers.status == 429 || exhausted || (headers.status == 503 && retry_after);
  if (!hint.limited) return hint;
  if (retry_after)
    hint.wait = retry_after;
  else if (headers.ratelimit_reset)
    hint.wait = parse_ratelimit_reset(*headers.ratelimit_reset, now);
  return hint;
}

std::optional<std::chrono::milliseconds> penalty_for(const RateLimitHint& hint,
                                                     std::chrono::milliseconds fallback,
                                                     std::chrono::milliseconds max) {
  if (!hint.limited) return std::nullopt;
  const std::chrono::milliseconds wait = hint.wait ? *hint.wait : fallback;
  return std::min(wait, max);
}

}  // namespace atbackfill::throttle
