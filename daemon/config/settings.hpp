// The daemon's configuration as plain, already-validated values (see config/load.hpp).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace atbackfill::config {

using Duration = std::chrono::milliseconds;

// One entry of a `collections` list: an exact NSID or a `prefix.*` wildcard.
struct CollectionPattern {
  std::string text;    // as written, authority lowercased: "network.comind.*", "app.bsky.feed.post"
  bool wildcard = false;
  std::string prefix;  // for wildcards: the part before ".*", e.g. "network.comind"

  // True when `nsid` is selected: equal for exact patterns; for wildcards, the NSID
  // lies strictly under the prefix ("network.comind.thought" matches "network.comind.*").
  bool matches(const std::string& nsid) const;
};

struct Account {
  std::optional<std::string> handle;  // lowercased; exactly one of handle/did is set
  std::optional<std::string> did;
  std::vector<CollectionPattern> collections;  // own list, or the top-level default
  int line = 0;                                // where it was written, for messages

  // The handle or DID as configured, for log lines.
  const std::string& label() const { return handle ? *handle : *did; }
};

struct HostLimits {
  int requests_per_minute = 100;
  int max_concurrent = 2;
};

// Partial limits as written under `hosts:`; unset fields fall back to `hosts.default`.
struct HostLimitsOverride {
  std::optional<int> requests_per_minute;
  std::optional<int> max_concurrent;
};

// How a handle may be turned into a DID, tried in this order.
enum class HandleMethod { dns, well_known, xrpc };

struct Settings {
  std::string source;  // the file it came from, for messages

  struct Database {
    std::string url = "postgresql:///atbackfill";
  } database;

  struct Identity {
    std::string plc_url = "https://plc.directory";
    std::string handle_resolver = "https://public.api.bsky.app";
    Duration cache_ttl = std::chrono::hours(24);
    std::vector<HandleMethod> handle_methods = {HandleMethod::dns, HandleMethod::well_known,
                                                HandleMethod::xrpc};
  } identity;

  HostLimits default_limits;
  std::map<std::string, HostLimitsOverride> host_limits;  // key: host or host:port

  struct Sync {
    int page_size = 100;  // 1..100
    Duration poll_interval = std::chrono::minutes(5);
    Duration rescan_interval = std::chrono::hours(24);
    // A failed request (network, 429, 5xx) is tried up to retry_attempts times in all,
    // waiting retry_initial_delay, doubling up to retry_max_delay (with jitter) in between.
    int retry_attempts = 6;
    Duration retry_initial_delay = std::chrono::seconds(1);
    Duration retry_max_delay = std::chrono::minutes(5);
  } sync;

  std::vector<CollectionPattern> default_collections;
  std::vector<Account> accounts;

  struct Status {
    std::string listen;  // "host:port", empty = no status server
  } status;

  struct Network {
    // Hosts that may resolve to loopback/private addresses (local PDSs, tests).
    std::vector<std::string> allow_private_hosts;
    Duration connect_timeout = std::chrono::seconds(10);
    Duration request_timeout = std::chrono::seconds(30);
    std::size_t max_response_bytes = 32 * 1024 * 1024;
    std::string user_agent = "atbackfill";
  } network;

  // Limits for a host key ("host" or "host:port"): the exact key, then the bare host, then
  // the defaults, each field separately.
  HostLimits limits_for(const std::string& host_key) const;
};

}  // namespace atbackfill::config
