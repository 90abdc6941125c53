// Tests for ThrottledHttpClient over a fake inner client: per-host limits and penalties.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>
#include <map>
#include <optional>

#include "throttle/throttled_http_client.hpp"

namespace atbackfill::throttle {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class FakeClient final : public net::HttpClient {
 public:
  std::function<net::Response(const std::string&)> respond = [](const std::string&) {
    return net::Response{200, {}, "ok", {}};
  };
  Clock::duration latency = Clock::duration::zero();
  std::vector<std::string> urls;
  std::vector<Clock::time_point> starts;
  int active = 0;
  int most_active = 0;

  asio::awaitable<Expected<net::Response>> get(std::string url) override {
    urls.push_back(url);
    starts.push_back(Clock::now());
    most_active = std::max(most_active, ++active);
    if (latency > Clock::duration::zero()) {
      asio::steady_timer timer(co_await asio::this_coro::executor, latency);
      co_await timer.async_wait(asio::use_awaitable);
    }
    --active;
    co_return respond(url);
  }
};

class ThrottledClientTest : public ::testing::Test {
 protected:
  ThrottledHttpClient make(ThrottleOptions options = {}) {
    return ThrottledHttpClient(inner_, [this](const std::string& key) {
      asked_.push_back(key);
      const auto it = limits_.find(key);
      return it == limits_.end() ? config::HostLimits{0, 4} : it->second;
    }, options);
  }

  Expected<net::Response> get(ThrottledHttpClient& client, const std::string& url) {
    std::optional<Expected<net::Response>> result;
    asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
      result.emplace(co_await client.get(url));
    }, asio::detached);
    context_.restart();
    context_.run_for(20s);
    if (!result) return retryable_error("test: request hung");
    return std::move(*result);
  }

  asio::io_context context_;
  FakeClient inner_;
  std::map<std::string, config::HostLimits> limits_;
  std::vector<std::string> asked_;
};

TEST_F(ThrottledClientTest, PassesRequestsThroughAndCountsPerHostKey) {
  auto client = make();
  ASSERT_TRUE(get(client, "https://a.test/x").ok());
  ASSERT_TRUE(get(client, "https://A.test:443/y").ok());
  ASSERT_TRUE(get(client, "https://b.test:8443/z").ok());
  EXPECT_EQ(inner_.urls, (std::vector<std::string>{"https://a.test/x", "https://A.test:443/y",
                                                   "https://b.test:8443/z"}));
  EXPECT_EQ(asked_, (std::vector<std::string>{"a.test", "b.test:8443"}));
  const auto stats = client.stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].host_key, "a.test");
  EXPECT_EQ(stats[0].requests_started, 2u);
  EXPECT_EQ(stats[1].host_key, "b.test:8443");
  EXPECT_EQ(stats[1].requests_started, 1u);
  EXPECT_EQ(stats[0].in_flight, 0);
}

TEST_F(ThrottledClientTest, MalformedUrlFailsWithoutReachingTheInnerClient) {
  auto client = make();
  const auto result = get(client, "not a url");
  ASSERT_FALSE(result.ok());
  EXPECT_FALSE(result.error().retryable);
  EXPECT_TRUE(inner_.urls.empty());
}

TEST_F(ThrottledClientTest, HostLimitsBoundConcurrency) {
  limits_["slow.test"] = {0, 1};
  auto client = make();
  inner_.latency = 2ms;
  int done = 0;
  for (int i = 0; i < 5; ++i)
    asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
      if ((co_await client.get("https://slow.test/")).ok()) ++done;
    }, asio::detached);
  context_.run_for(20s);
  EXPECT_EQ(done, 5);
  EXPECT_EQ(inner_.most_active, 1);
}

TEST_F(ThrottledClientTest, HostLimitsPaceStarts) {
  limits_["fast.test"] = {6000, 10};
  auto client = make();
  const auto begin = Clock::now();
  for (int i = 0; i < 5; ++i)
    asio::co_spawn(context_, client.get("https://fast.test/"), asio::detached);
  context_.run_for(20s);
  ASSERT_EQ(inner_.starts.size(), 5u);
  EXPECT_GE(inner_.starts.back() - begin, 4 * 10ms);
}

TEST_F(ThrottledClientTest, TooManyRequestsWithoutHintsPausesThatHostForTheDefault) {
  auto client = make();
  inner_.respond = [](const std::string& url) {
    return net::Response{url.find("a.test") != std::string::npos ? 429u : 200u, {}, "", url};
  };
  const auto before = Clock::now();
  const auto result = get(client, "https://a.test/");
  const auto after = Clock::now();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, 429u);  // handed back to the caller
  EXPECT_GE(client.host("a.test").blocked_until(), before + 60s);
  EXPECT_LE(client.host("a.test").blocked_until(), after + 60s);
  ASSERT_TRUE(get(client, "https://b.test/").ok());
  EXPECT_LE(client.host("b.test").blocked_until(), Clock::now());
  EXPECT_EQ(client.stats()[0].rate_limited, 1u);
  EXPECT_EQ(client.stats()[1].rate_limited, 0u);
}

TEST_F(ThrottledClientTest, PauseFollowsRetryAfterBoundedByTheMaximum) {
  auto client = make();
  std::string retry_after = "120";
  inner_.respond = [&](const std::string& url) {
    return net::Response{429, {{"retry-after", retry_after}}, "", url};
  };
  auto before = Clock::now();
  ASSERT_TRUE(get(client, "https://a.test/").ok());
  EXPECT_GE(client.host("a.test").blocked_until(), before + 120s);
  EXPECT_LE(client.host("a.test").blocked_until(), Clock::now() + 120s);

  retry_after = "86400";
  before = Clock::now();
  ASSERT_TRUE(get(client, "https://b.test/").ok());
  EXPECT_GE(client.host("b.test").blocked_until(), before + 15min);
  EXPECT_LE(client.host("b.test").blocked_until(), Clock::now() + 15min);
}

TEST_F(ThrottledClientTest, ExhaustedBudgetOnSuccessPausesUntilReset) {
  auto client = make();
  const auto reset = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch() + 200s)
                         .count();
  inner_.respond = [&](const std::string& url) {
    return net::Response{200, {{"ratelimit-remaining", "0"}, {"ratelimit-reset", std::to_string(reset)}}, "", url};
  };
  const auto before = Clock::now();
  ASSERT_TRUE(get(client, "https://a.test/").ok());
  EXPECT_GE(client.host("a.test").blocked_until(), before + 190s);
  EXPECT_LE(client.host("a.test").blocked_until(), Clock::now() + 201s);
}

TEST_F(ThrottledClientTest, PenaltyDelaysTheNextRequestToThatHost) {
  ThrottleOptions options;
  options.default_penalty = 50ms;
  auto client = make(options);
  inner_.respond = [](const std::string& url) { return net::Response{429, {}, "", url}; };
  ASSERT_TRUE(get(client, "https://a.test/1").ok());
  ASSERT_TRUE(get(client, "https://a.test/2").ok());
  ASSERT_EQ(inner_.starts.size(), 2u);
  // The pause starts when the 429 arrives, which is after the first request started.
  EXPECT_GE(inner_.starts[1], inner_.starts[0] + 50ms);
}

TEST_F(ThrottledClientTest, CancelWhileWaitingForBudgetIsAnError) {
  limits_["a.test"] = {0, 1};
  auto client = make();
  inner_.latency = 50ms;
  asio::cancellation_signal cancel;
  std::optional<Expected<net::Response>> second;
  asio::co_spawn(context_, client.get("https://a.test/1"), asio::detached);
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    second.emplace(co_await client.get("https://a.test/2"));
  }, asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    cancel.emit(asio::cancellation_type::terminal);
    co_return;
  }, asio::detached);
  context_.run_for(20s);
  ASSERT_TRUE(second.has_value());
  ASSERT_FALSE(second->ok());
  EXPECT_TRUE(second->error().retryable);
  EXPECT_NE(second->error().message.find("cancelled"), std::string::npos);
  EXPECT_EQ(inner_.urls.size(), 1u);
  EXPECT_EQ(client.host("a.test").in_flight(), 0);
}

}  // namespace
}  // namespace atbackfill::throttle
