// Logging set-up: one line per event, key=value fields, no timestamps under systemd.
#pragma once

#include <string_view>

namespace atbackfill::util {

// Configures the default spdlog logger on stderr. `level` is an spdlog level name
// ("info", "debug", ...). Timestamps are left out when running under journald
// (JOURNAL_STREAM set), which adds its own.
void init_logging(std::string_view level);

}  // namespace atbackfill::util
