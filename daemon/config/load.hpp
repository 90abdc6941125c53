// Loading and validating the YAML configuration file into config::Settings.
#pragma once

#include <stdexcept>
#include <string>

#include "config/duration.hpp"
#include "config/settings.hpp"

namespace atbackfill::config {

// An invalid or unreadable configuration. what() is the whole message, e.g.
// `atbackfill.yaml:14: accounts[2].collections[0]: "network..comind" is not a valid NSID`.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Both apply ATBACKFILL_DATABASE_URL (when set and non-empty) over database.url.
Settings load_file(const std::string& path);
// `source_name` is used in messages (its file name part) and stored as Settings::source.
Settings parse_text(const std::string& yaml_text, const std::string& source_name);

// The environment variable that overrides database.url.
inline constexpr const char* database_url_env = "ATBACKFILL_DATABASE_URL";

}  // namespace atbackfill::config
