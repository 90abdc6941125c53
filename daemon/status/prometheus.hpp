// One scrape's worth of numbers and its rendering in the Prometheus text format.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "status/metrics.hpp"
#include "store/database.hpp"
#include "throttle/throttled_http_client.hpp"

namespace atbackfill::status {

// Everything one scrape shows, gathered at the moment of the request.
struct Snapshot {
  Metrics metrics;
  bool ready = false;  // migrations are done
  std::vector<throttle::HostStats> hosts;
  std::optional<store::DatabaseStats> database;  // absent when there is no DB lane
};

// Prometheus text exposition format 0.0.4: HELP and TYPE lines for every family (also for a
// labelled family without samples yet), names prefixed with `atbackfill_`, label values
// escaped, per-host samples sorted by host.
std::string render_prometheus(const Snapshot& snapshot);

// A label value as it goes between the quotes: backslash, double quote and newline escaped.
std::string escape_label_value(std::string_view value);

// The Content-Type of render_prometheus's output.
inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace atbackfill::status
