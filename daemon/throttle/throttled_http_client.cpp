// ThrottledHttpClient: per-host admission before each request, penalties from the answers.
#include "throttle/throttled_http_client.hpp"

#include <boost/system/system_error.hpp>
#include <spdlog/spdlog.h>

#include <optional>

#include "net/url.hpp"

namespace atbackfill::throttle {

ThrottledHttpClient::ThrottledHttpClient(net::HttpClient& inner, LimitsFor limits_for,
                                         ThrottleOptions options)
    : inner_(inner), limits_for_(std::move(limits_for)), options_(options) {}

ThrottledHttpClient::Host& ThrottledHttpClient::entry(const std::string& host_key) {
  auto& slot = hosts_[host_key];
  if (!slot) slot = std::make_unique<Host>(limits_for_(host_key));
  return *slot;  // stable: hosts are never removed
}

HostThrottle& ThrottledHttpClient::host(const std::string& host_key) {
  return entry(host_key).throttle;
}

boost::asio::awaitable<Expected<net::Response>> ThrottledHttpClient::get(std::string url) {
  const auto parsed = net::parse_url(url);
  if (!parsed) co_return parsed.error();
  const auto host_key = parsed->host_key();
  Host& host = entry(host_key);

  HostThrottle::Permit permit;
  try {
    permit = co_await host.throttle.acquire();
  } catch (const boost::system::system_error& e) {
    co_return retryable_error("GET " + url + " cancelled while waiting for the budget of " +
                              host_key + ": " + e.code().message());
  }
  auto result = co_await inner_.get(url);
  if (result) apply_hints(host_key, host, *result);
  co_return std::move(result);
}

void ThrottledHttpClient::apply_hints(const std::string& host_key, Host& host,
                                      const net::Response& response) {
  const RateLimitHeaders headers{response.status, response.header("retry-after"),
                                 response.header("ratelimit-remaining"),
                                 response.header("ratelimit-reset")};
  const auto hint = read_rate_limit(headers, std::chrono::system_clock::now());
  const auto penalty = penalty_for(hint, options_.default_penalty, options_.max_penalty);
  if (!penalty) return;
  host.throttle.penalize_until(Clock::now() + *penalty);
  ++host.rate_limited;
  spdlog::warn("host={} rate limited status={} pause_ms={}", host_key, response.status,
               penalty->count());
}

std::vector<HostStats> ThrottledHttpClient::stats() const {
  std::vector<HostStats> out;
  for (const auto& [key, host] : hosts_)
    out.push_back(HostStats{key, host->throttle.started(), host->rate_limited,
                            host->throttle.in_flight(), host->throttle.waiting()});
  return out;
}

}  // namespace atbackfill::throttle
