// Settings helpers: per-host limit lookup.
#include "config/settings.hpp"

#include <cctype>

namespace atbackfill::config {
namespace {

// "host:port" -> "host"; "[::1]:8080" -> "[::1]"; keys without a port come back unchanged.
std::string bare_host(const std::string& key) {
  const auto colon = key.rfind(':');
  if (colon == std::string::npos || colon + 1 == key.size()) return key;
  for (std::size_t i = colon + 1; i < key.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(key[i]))) return key;
  }
  const auto host = key.substr(0, colon);
  // An unbracketed IPv6 literal has colons of its own and no port.
  if (host.find(':') != std::string::npos && !(host.starts_with('[') && host.ends_with(']'))) {
    return key;
  }
  return host;
}

}  // namespace

HostLimits Settings::limits_for(const std::string& raw_key) const {
  // Keys are stored lowercased; host names are case-insensitive.
  std::string host_key = raw_key;
  for (auto& c : host_key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  HostLimits limits = default_limits;
  bool have_rpm = false;
  bool have_concurrent = false;
  const auto apply = [&](const std::string& key) {
    const auto found = host_limits.find(key);
    if (found == host_limits.end()) return;
    if (!have_rpm && found->second.requests_per_minute) {
      limits.requests_per_minute = *found->second.requests_per_minute;
      have_rpm = true;
    }
    if (!have_concurrent && found->second.max_concurrent) {
      limits.max_concurrent = *found->second.max_concurrent;
      have_concurrent = true;
    }
  };
  apply(host_key);
  const auto bare = bare_host(host_key);
  if (bare != host_key) apply(bare);
  return limits;
}

}  // namespace atbackfill::config
