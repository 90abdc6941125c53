// What every sync task needs: services (HTTP, storage, identity) and the sync settings.
#pragma once

#include <chrono>

#include "identity/resolver.hpp"
#include "net/http_client.hpp"
#include "store/sync_store.hpp"
#include "sync/retry_policy.hpp"

namespace atbackfill::status {
struct Metrics;
}

namespace atbackfill::sync {

struct SyncOptions {
  int page_size = 100;
  std::chrono::milliseconds poll_interval{std::chrono::minutes(5)};
  std::chrono::milliseconds identity_ttl{std::chrono::hours(24)};
  // How often a continuous run re-lists everything from the start (catches edits).
  std::chrono::milliseconds rescan_interval{std::chrono::hours(24)};
  RetryPolicy retry;
  bool once = false;  // one pass over everything, then finish
};

struct SyncContext {
  net::HttpClient& http;  // already throttled per host
  store::SyncStore& store;
  identity::Resolver& resolver;
  SyncOptions options;
  status::Metrics* metrics = nullptr;  // counters for the status server; null when not counted
};

}  // namespace atbackfill::sync
