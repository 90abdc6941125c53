// Parsing of human-written durations such as "500ms", "30s", "5m", "24h" or "1h30m".
#include "config/duration.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace atbackfill::config {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t millis;
};

// Largest first: parts must follow this order, and formatting walks it.
constexpr std::array<Unit, 5> units{{
    {"d", 24LL * 60 * 60 * 1000},
    {"h", 60LL * 60 * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
}};

constexpr std::int64_t max_millis = 10LL * 366 * 24 * 60 * 60 * 1000;
constexpr std::string_view examples = "e.g. \"500ms\", \"30s\", \"5m\", \"24h\" or \"1h30m\"";

Error invalid(std::string_view text, std::string_view why) {
  return permanent_error("\"" + std::string(text) +
                         "\" is not a valid duration: " + std::string(why));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Expected<Duration> parse_duration(std::string_view text) {
  if (text.empty()) return invalid(text, "empty (" + std::string(examples) + ")");
  if (text.front() == '-') return invalid(text, "durations cannot be negative");
  std::int64_t total = 0;
  std::size_t previous_unit = 0;
  bool first = true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t digits_start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == digits_start) {
      return invalid(text,
                     "expected a whole number followed by a unit (" + std::string(examples) + ")");
    }
    // Ten years in milliseconds has 12 digits; more can only overflow.
    if (pos - digits_start > 13) return invalid(text, "too long (at most ten years)");
    std::int64_t number = 0;
    for (std::size_t i = digits_start; i < pos; ++i) number = number * 10 + (text[i] - '0');

    const std::size_t unit_start = pos;
    while (pos < text.size() && !is_digit(text[pos])) ++pos;
    const auto unit_text = text.substr(unit_start, pos - unit_start);
    if (unit_text.empty()) return invalid(text, "missing unit (ms, s, m, h or d)");
    if (unit_text.front() == '.' || unit_text.front() == ',') {
      return invalid(text, "use whole numbers (e.g. \"90m\" instead of \"1.5h\")");
    }
    std::size_t unit_index = units.size();
    for (std::size_t i = 0; i < units.size(); ++i) {
      if (units[i].name == unit_text) unit_index = i;
    }
    if (unit_index == units.size()) {
      return invalid(text,
                     "unknown unit \"" + std::string(unit_text) + "\" (expected ms, s, m, h or d)");
    }
    if (!first && unit_index <= previous_unit) {
      return invalid(text, "units must go from largest to smallest, each at most once");
    }
    if (number > max_millis / units[unit_index].millis) {
      return invalid(text, "too long (at most ten years)");
    }
    total += number * units[unit_index].millis;
    if (total > max_millis) return invalid(text, "too long (at most ten years)");
    previous_unit = unit_index;
    first = false;
  }
  if (total == 0) return invalid(text, "must be greater than zero");
  return Duration(total);
}

std::string format_duration(Duration duration) {
  std::int64_t rest = duration.count();
  if (rest <= 0) return std::to_string(rest) + "ms";
  std::string out;
  for (const auto& unit : units) {
    if (rest >= unit.millis) {
      out += std::to_string(rest / unit.millis);
      out += unit.name;
      rest %= unit.millis;
    }
  }
  return out;
}

}  // namespace atbackfill::config
