// Logging set-up: one line per event, key=value fields, no timestamps under systemd.
#pragma once

#include <string>
#include <string_view>

namespace atbackfill::util {

// Configures the default spdlog logger on stderr. `level` is an spdlog level name
// ("info", "debug", ...). Timestamps are left out when running under journald
// (JOURNAL_STREAM set), which adds its own.
void init_logging(std::string_view level);

// `text` with line breaks and tabs folded into single spaces and trailing space dropped, so
// that an error message from a library (libpq's are multi-line) stays one log line.
std::string one_line(std::string_view text);

}  // namespace atbackfill::util
