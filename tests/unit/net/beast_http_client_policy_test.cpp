// Tests for redirects, the private-address policy, TLS verification and cancellation.
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/beast_http_client.hpp"
#include "unit/net/client_harness.hpp"
#include "unit/net/test_server.hpp"

namespace atbackfill::net {
namespace {

namespace asio = boost::asio;
using testing::http_response;
using testing::Reply;
using testing::ServerRequest;
using testing::TestServer;

class ClientPolicyTest : public ::testing::Test {
 protected:
  Expected<Response> get(ClosableHttpClient& c, const std::string& url) {
    auto result = testing::run_get(context_, c.get(url));
    if (!result) return retryable_error("test: request hung");
    return std::move(*result);
  }
  std::unique_ptr<ClosableHttpClient> client(ClientOptions options) {
    return make_http_client(context_.get_executor(), std::move(options));
  }
  static ClientOptions loopback_allowed() {
    ClientOptions options;
    options.allow_private_hosts = {"127.0.0.1", "localhost"};
    return options;
  }

  asio::io_context context_;
};

Reply redirect(unsigned status, const std::string& location) {
  return Reply{http_response(status, "", {"Location: " + location})};
}

// "/hops/N" redirects N times before answering.
Reply redirecting_server(const ServerRequest& request) {
  const std::string hops = "/hops/";
  if (request.target.starts_with(hops)) {
    const int left = std::stoi(request.target.substr(hops.size()));
    if (left == 0) return Reply{http_response(200, "arrived")};
    return redirect(307, "/hops/" + std::to_string(left - 1));
  }
  if (request.target == "/relative/a/b") return redirect(302, "../final?x=1");
  if (request.target == "/absolute")
    return redirect(301, "http://127.0.0.1:" + std::to_string(request.port) + "/final");
  if (request.target == "/see-other") return redirect(303, "/final");
  if (request.target == "/permanent") return redirect(308, "/final");
  if (request.target == "/loop") return redirect(302, "/loop");
  if (request.target == "/to-bad") return redirect(302, "ftp://elsewhere/");
  if (request.target == "/no-location") return Reply{http_response(302, "")};
  return Reply{http_response(200, "final:" + request.target)};
}

TEST_F(ClientPolicyTest, FollowsRelativeAndAbsoluteRedirects) {
  TestServer server(redirecting_server);
  auto c = client(loopback_allowed());
  const auto base = "http://127.0.0.1:" + std::to_string(server.port());
  for (const auto* path : {"/absolute", "/see-other", "/permanent"}) {
    const auto response = get(*c, base + path);
    ASSERT_TRUE(response.ok()) << path << ": " << response.error().message;
    EXPECT_EQ(response->body, "final:/final") << path;
    EXPECT_EQ(response->url, base + "/final") << path;
  }
  const auto relative = get(*c, base + "/relative/a/b");
  ASSERT_TRUE(relative.ok());
  EXPECT_EQ(relative->body, "final:/relative/final?x=1");
}

TEST_F(ClientPolicyTest, RedirectLimitIsEnforced) {
  TestServer server(redirecting_server);
  auto c = client(loopback_allowed());
  const auto base = "http://127.0.0.1:" + std::to_string(server.port());
  ASSERT_TRUE(get(*c, base + "/hops/3").ok());  // max_redirects defaults to 3
  const auto too_many = get(*c, base + "/hops/4");
  ASSERT_FALSE(too_many.ok());
  EXPECT_FALSE(too_many.error().retryable);
  EXPECT_NE(too_many.error().message.find("redirects"), std::string::npos);
  const auto loop = get(*c, base + "/loop");
  ASSERT_FALSE(loop.ok());
  EXPECT_NE(loop.error().message.find("redirects"), std::string::npos);
}

TEST_F(ClientPolicyTest, RedirectToUnusableLocationIsAnError) {
  TestServer server(redirecting_server);
  auto c = client(loopback_allowed());
  const auto response = get(*c, "http://127.0.0.1:" + std::to_string(server.port()) + "/to-bad");
  ASSERT_FALSE(response.ok());
  EXPECT_FALSE(response.error().retryable);
}

TEST_F(ClientPolicyTest, RedirectWithoutLocationIsReturnedAsIs) {
  TestServer server(redirecting_server);
  auto c = client(loopback_allowed());
  const auto response = get(*c, "http://127.0.0.1:" + std::to_string(server.port()) + "/no-location");
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 302u);
}

TEST_F(ClientPolicyTest, LoopbackIsRefusedUnlessAllowed) {
  TestServer server([](const ServerRequest&) { return Reply{http_response(200, "x")}; });
  const auto url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  auto strict = client({});
  const auto refused = get(*strict, url);
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(refused.error().retryable);
  EXPECT_NE(refused.error().message.find("allow_private_hosts"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(server.connections(), 0);

  ClientOptions options;
  options.allow_private_hosts = {"127.0.0.1"};
  auto allowed = client(options);
  EXPECT_TRUE(get(*allowed, url).ok());
  EXPECT_EQ(server.connections(), 1);
}

TEST_F(ClientPolicyTest, RedirectToLoopbackIsRefusedForOtherHosts) {
  // "localhost" is allowed, "127.0.0.1" is not: the redirect must not reach it.
  TestServer server([](const ServerRequest& request) {
    if (request.target == "/start")
      return redirect(302, "http://127.0.0.1:" + std::to_string(request.port) + "/inside");
    return Reply{http_response(200, "inside")};
  });
  ClientOptions options;
  options.allow_private_hosts = {"localhost"};
  auto c = client(options);
  const auto response = get(*c, "http://localhost:" + std::to_string(server.port()) + "/start");
  ASSERT_FALSE(response.ok());
  EXPECT_FALSE(response.error().retryable);
  EXPECT_EQ(server.requests(), 1);
}

class ClientTlsTest : public ClientPolicyTest {
 protected:
  TestServer server_{[](const ServerRequest&) { return Reply{http_response(200, "secure")}; },
                     testing::test_server_tls()};
  std::string port_ = std::to_string(server_.port());
};

TEST_F(ClientTlsTest, UnknownIssuerFailsWithDefaultTrust) {
  auto c = client(loopback_allowed());
  const auto response = get(*c, "https://localhost:" + port_ + "/");
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("TLS handshake with localhost:" + port_), std::string::npos)
      << response.error().message;
  EXPECT_EQ(server_.requests(), 0);
}

TEST_F(ClientTlsTest, TrustedCertificateSucceedsAndConnectionIsReused) {
  auto options = loopback_allowed();
  options.extra_ca_file = testing::test_ca_file();
  auto c = client(options);
  for (int i = 0; i < 3; ++i) {
    const auto response = get(*c, "https://localhost:" + port_ + "/");
    ASSERT_TRUE(response.ok()) << response.error().message;
    EXPECT_EQ(response->body, "secure");
  }
  EXPECT_EQ(server_.connections(), 1);
}

TEST_F(ClientTlsTest, HostNameMismatchFails) {
  auto options = loopback_allowed();
  options.extra_ca_file = testing::test_ca_file();
  auto c = client(options);
  // The certificate names only "localhost".
  const auto response = get(*c, "https://127.0.0.1:" + port_ + "/");
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("TLS handshake"), std::string::npos);
  EXPECT_EQ(server_.requests(), 0);
}

// Starts a request against a server that never answers and returns once it is in flight.
struct HangingRequest {
  std::optional<Expected<Response>> result;
  bool threw = false;
};

asio::awaitable<void> wait_for_requests(const TestServer& server, int count) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (server.requests() < count) {
    timer.expires_after(std::chrono::milliseconds(5));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

TEST_F(ClientPolicyTest, ShutdownEndsInFlightRequestsAtOnce) {
  TestServer server([](const ServerRequest&) { return Reply{"", false, true}; });
  auto c = client(loopback_allowed());
  HangingRequest hanging;
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    hanging.result.emplace(co_await c->get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  }, asio::detached);
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    co_await wait_for_requests(server, 1);
    c->shutdown();
  }, asio::detached);
  context_.run_for(std::chrono::seconds(20));  // far below the 30 s request timeout
  ASSERT_TRUE(hanging.result.has_value());
  ASSERT_FALSE(hanging.result->ok());
  EXPECT_TRUE(hanging.result->error().retryable);

  const auto after = get(*c, "http://127.0.0.1:" + std::to_string(server.port()) + "/");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("shutting down"), std::string::npos);
}

TEST_F(ClientPolicyTest, TerminalCancellationEndsTheRequest) {
  TestServer server([](const ServerRequest&) { return Reply{"", false, true}; });
  auto c = client(loopback_allowed());
  asio::cancellation_signal signal;
  HangingRequest hanging;
  bool done = false;
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    hanging.result.emplace(co_await c->get("http://127.0.0.1:" + std::to_string(server.port()) + "/"));
  }, asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
    done = true;
    hanging.threw = e != nullptr;
  }));
  asio::co_spawn(context_, [&]() -> asio::awaitable<void> {
    co_await wait_for_requests(server, 1);
    signal.emit(asio::cancellation_type::terminal);
  }, asio::detached);
  context_.run_for(std::chrono::seconds(20));
  ASSERT_TRUE(done);
  if (hanging.result) {
    EXPECT_FALSE(hanging.result->ok());
  }
}

}  // namespace
}  // namespace atbackfill::net
