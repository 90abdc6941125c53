// Parsing of human-written durations such as "500ms", "30s", "5m", "24h" or "1h30m".
#pragma once

#include <string>
#include <string_view>

#include "config/settings.hpp"
#include "util/expected.hpp"

namespace atbackfill::config {

// One or more <whole number><unit> parts, units ms, s, m, h, d in decreasing order
// ("1h30m"). The total must be greater than zero and at most ten years. The error message
// starts with the quoted input, e.g. `"5" is not a valid duration: missing unit ...`.
Expected<Duration> parse_duration(std::string_view text);

// The shortest exact spelling of a duration in the units above ("90m" -> "1h30m"), for logs.
std::string format_duration(Duration duration);

}  // namespace atbackfill::config
