// Parsing and UTC normalisation of atproto datetimes (RFC 3339 with a mandatory offset).
#include "atproto/datetime.hpp"

#include <cstdint>
#include <cstdio>

namespace atbackfill::atproto {
namespace {

// Reads exactly `count` digits at `pos`.
std::optional<int> digits_at(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based computation).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0);
  return {year, month, day};
}

}  // namespace

// Accepted: YYYY-MM-DD, a 'T', 't' or ' ' separator, HH:MM:SS, an optional fraction of any
// length (truncated to microseconds), then 'Z', 'z' or +HH:MM / -HH:MM ("-00:00" is read as
// UTC: the instant is the same). Leap seconds (":60") are refused rather than guessed at.
std::optional<std::string> normalize_datetime(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  const auto year = digits_at(text, 0, 4);
  const auto month = digits_at(text, 5, 2);
  const auto day = digits_at(text, 8, 2);
  const auto hour = digits_at(text, 11, 2);
  const auto minute = digits_at(text, 14, 2);
  const auto second = digits_at(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  if (*year < 1 || *month < 1 || *month > 12) return std::nullopt;
  if (*day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;

  std::size_t pos = 19;
  int micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 6) micros = micros * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (std::size_t n = pos - start; n < 6; ++n) micros *= 10;
  }

  if (pos >= text.size()) return std::nullopt;  // no timezone: the instant is unknown
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const auto off_hour = digits_at(text, pos + 1, 2);
    const auto off_minute = digits_at(text, pos + 4, 2);
    if (!off_hour || !off_minute || text[pos + 3] != ':') return std::nullopt;
    if (*off_hour > 23 || *off_minute > 59) return std::nullopt;
    offset_minutes = (*off_hour * 60 + *off_minute) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  // Local time minus the offset is UTC; the shift may cross a day, month or year boundary.
  const std::int64_t local_minutes =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) * 1440 +
      *hour * 60 + *minute;
  const std::int64_t utc_minutes = local_minutes - offset_minutes;
  const std::int64_t utc_days = utc_minutes >= 0 ? utc_minutes / 1440 : (utc_minutes - 1439) / 1440;
  const auto minute_of_day = static_cast<int>(utc_minutes - utc_days * 1440);
  const CivilDate date = civil_from_days(utc_days);
  if (date.year < 1 || date.year > 9999) return std::nullopt;

  char buffer[96];  // ample for any int, so -Wformat-truncation stays quiet
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02d:%02d:%02d.%06d+00", static_cast<int>(date.year),
                date.month, date.day, minute_of_day / 60, minute_of_day % 60, *second, micros);
  return std::string(buffer);
}

}  // namespace atbackfill::atproto
