// An HttpClient decorator that keeps every host within its request budget.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "net/http_client.hpp"
#include "throttle/host_throttle.hpp"

namespace atbackfill::throttle {

struct ThrottleOptions {
  // Pause after a rate-limit answer that does not say for how long.
  std::chrono::milliseconds default_penalty = std::chrono::seconds(60);
  // Upper bound on any pause a server asks for.
  std::chrono::milliseconds max_penalty = std::chrono::minutes(15);
};

struct HostStats {
  std::string host_key;
  std::uint64_t requests_started = 0;
  std::uint64_t rate_limited = 0;  // responses that paused the host
  int in_flight = 0;
  std::size_t waiting = 0;
};

// Requests to one host key (net::Url::host_key()) share a HostThrottle whose limits come
// from `limits_for`. A 429 or `ratelimit-remaining: 0` pauses that host for the hinted time;
// the response itself is still returned (retrying is the caller's policy). Redirects are
// followed inside `inner` and count against the first host only.
class ThrottledHttpClient final : public net::HttpClient {
 public:
  using LimitsFor = std::function<config::HostLimits(const std::string& host_key)>;

  // `inner` must outlive this client.
  ThrottledHttpClient(net::HttpClient& inner, LimitsFor limits_for, ThrottleOptions options = {});

  boost::asio::awaitable<Expected<net::Response>> get(std::string url) override;

  // The throttle of a host key, created with its limits on first use.
  HostThrottle& host(const std::string& host_key);
  std::vector<HostStats> stats() const;

 private:
  struct Host {
    explicit Host(config::HostLimits limits) : throttle(limits) {}
    HostThrottle throttle;
    std::uint64_t rate_limited = 0;
  };
  Host& entry(const std::string& host_key);
  void apply_hints(const std::string& host_key, Host& host, const net::Response& response);

  net::HttpClient& inner_;
  LimitsFor limits_for_;
  ThrottleOptions options_;
  std::map<std::string, std::unique_ptr<Host>> hosts_;
};

}  // namespace atbackfill::throttle
