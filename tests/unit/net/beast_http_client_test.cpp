// Tests for the Beast client against a local server: reuse, timeouts, limits, redirects.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "net/beast_http_client.hpp"
#include "unit/net/client_harness.hpp"
#include "unit/net/test_server.hpp"

namespace atbackfill::net {
namespace {

using testing::http_response;
using testing::Reply;
using testing::ServerRequest;
using testing::TestServer;

class BeastClientTest : public ::testing::Test {
 protected:
  std::unique_ptr<ClosableHttpClient> client(ClientOptions options = {}) {
    if (options.allow_private_hosts.empty()) options.allow_private_hosts = {"127.0.0.1", "localhost"};
    return make_http_client(context_.get_executor(), std::move(options));
  }

  Expected<Response> get(ClosableHttpClient& c, const std::string& url) {
    auto result = testing::run_get(context_, c.get(url));
    if (!result) return retryable_error("test: request hung");
    return std::move(*result);
  }

  static std::string base(const TestServer& server) {
    return "http://127.0.0.1:" + std::to_string(server.port());
  }

  boost::asio::io_context context_;
};

TEST_F(BeastClientTest, GetReturnsStatusLowercasedHeadersAndBody) {
  ServerRequest seen;
  TestServer server([&](const ServerRequest& request) {
    seen = request;
    return Reply{http_response(200, R"({"ok":true})", {"X-Custom-Thing: Yes", "Content-Type: application/json"})};
  });
  ClientOptions options;
  options.user_agent = "atbackfill-test/1";
  auto c = client(options);
  const auto response = get(*c, base(server) + "/xrpc/x?y=1");
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->body, R"({"ok":true})");
  EXPECT_EQ(response->header("x-custom-thing").value_or(""), "Yes");
  EXPECT_EQ(response->header("content-type").value_or(""), "application/json");
  EXPECT_EQ(response->url, base(server) + "/xrpc/x?y=1");
  EXPECT_EQ(seen.target, "/xrpc/x?y=1");
  EXPECT_EQ(seen.host, "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen.user_agent, "atbackfill-test/1");
  EXPECT_EQ(seen.accept, "application/json");
}

TEST_F(BeastClientTest, ErrorStatusIsAResponseNotAnError) {
  TestServer server([](const ServerRequest&) { return Reply{http_response(404, "nope")}; });
  auto c = client();
  const auto response = get(*c, base(server) + "/");
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 404u);
}

TEST_F(BeastClientTest, SequentialRequestsReuseOneConnection) {
  TestServer server([](const ServerRequest&) { return Reply{http_response(200, "x")}; });
  auto c = client();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(get(*c, base(server) + "/" + std::to_string(i)).ok());
  EXPECT_EQ(server.requests(), 5);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(c->connections_opened(), 1u);
}

TEST_F(BeastClientTest, ConnectionCloseResponsesAreNotReused) {
  TestServer server([](const ServerRequest&) {
    return Reply{http_response(200, "x", {"Connection: close"}), true};
  });
  auto c = client();
  ASSERT_TRUE(get(*c, base(server) + "/").ok());
  ASSERT_TRUE(get(*c, base(server) + "/").ok());
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(BeastClientTest, AConnectionWithUnrequestedBytesAfterTheResponseIsNotReused) {
  // The first answer comes with a second, unsolicited response in the same write; reusing
  // the connection would hand that stray response to the next request.
  TestServer server([](const ServerRequest& request) {
    if (request.target == "/1") return Reply{http_response(200, "first") + http_response(200, "stray")};
    return Reply{http_response(200, "second")};
  });
  auto c = client();
  const auto first = get(*c, base(server) + "/1");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->body, "first");
  const auto second = get(*c, base(server) + "/2");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->body, "second");
  EXPECT_EQ(server.connections(), 2);
}

TEST_F(BeastClientTest, IdleConnectionClosedByServerIsRetriedTransparently) {
  // The server drops each connection after answering without saying so.
  TestServer server([](const ServerRequest&) { return Reply{http_response(200, "x"), true}; });
  auto c = client();
  for (int i = 0; i < 3; ++i) {
    const auto response = get(*c, base(server) + "/");
    ASSERT_TRUE(response.ok()) << i << ": " << response.error().message;
  }
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.connections(), 3);
}

TEST_F(BeastClientTest, IdleConnectionsOlderThanMaxIdleTimeAreNotReused) {
  TestServer server([](const ServerRequest&) { return Reply{http_response(200, "x")}; });
  ClientOptions options;
  options.max_idle_time = std::chrono::milliseconds(0);
  auto c = client(options);
  ASSERT_TRUE(get(*c, base(server) + "/").ok());
  ASSERT_TRUE(get(*c, base(server) + "/").ok());
  EXPECT_EQ(c->connections_opened(), 2u);
}

TEST_F(BeastClientTest, ServerThatNeverAnswersTimesOut) {
  TestServer server([](const ServerRequest&) { return Reply{"", false, true}; });
  ClientOptions options;
  options.request_timeout = std::chrono::milliseconds(200);
  auto c = client(options);
  const auto response = get(*c, base(server) + "/slow");
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().retryable);
  EXPECT_NE(response.error().message.find("timed out after 200ms"), std::string::npos)
      << response.error().message;
  EXPECT_NE(response.error().message.find("/slow"), std::string::npos);
}

TEST_F(BeastClientTest, BodyOverTheLimitIsAPermanentError) {
  TestServer server([](const ServerRequest&) { return Reply{http_response(200, std::string(5000, 'a'))}; });
  ClientOptions options;
  options.max_response_bytes = 1000;
  auto c = client(options);
  const auto response = get(*c, base(server) + "/big");
  ASSERT_FALSE(response.ok());
  EXPECT_FALSE(response.error().retryable);
  EXPECT_NE(response.error().message.find("larger than 1000 bytes"), std::string::npos)
      << response.error().message;
}

TEST_F(BeastClientTest, ChunkedBodyOverTheLimitIsAPermanentError) {
  TestServer server([](const ServerRequest&) {
    std::string raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 10; ++i) raw += "100\r\n" + std::string(256, 'b') + "\r\n";
    return Reply{raw + "0\r\n\r\n"};
  });
  ClientOptions options;
  options.max_response_bytes = 1000;
  auto c = client(options);
  const auto response = get(*c, base(server) + "/");
  ASSERT_FALSE(response.ok());
  EXPECT_FALSE(response.error().retryable);
}

TEST_F(BeastClientTest, BodyAtTheLimitIsAccepted) {
  TestServer server([](const ServerRequest&) { return Reply{http_response(200, std::string(1000, 'a'))}; });
  ClientOptions options;
  options.max_response_bytes = 1000;
  auto c = client(options);
  const auto response = get(*c, base(server) + "/");
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->body.size(), 1000u);
}

TEST_F(BeastClientTest, TruncatedBodyIsARetryableError) {
  TestServer server([](const ServerRequest&) {
    return Reply{"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", true};
  });
  auto c = client();
  const auto response = get(*c, base(server) + "/cut");
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().retryable);
  EXPECT_NE(response.error().message.find("truncated"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.requests(), 1);  // not silently re-sent: the server had started answering
}

TEST_F(BeastClientTest, ConnectionRefusedIsRetryableAndNamesTheAddress) {
  unsigned short port = 0;
  { TestServer gone([](const ServerRequest&) { return Reply{}; }); port = gone.port(); }
  auto c = client();
  const auto response = get(*c, "http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(response.error().retryable);
  EXPECT_NE(response.error().message.find("connect to 127.0.0.1:" + std::to_string(port)),
            std::string::npos) << response.error().message;
}

TEST_F(BeastClientTest, MalformedUrlIsAPermanentError) {
  auto c = client();
  const auto response = get(*c, "gopher://x/");
  ASSERT_FALSE(response.ok());
  EXPECT_FALSE(response.error().retryable);
}

}  // namespace
}  // namespace atbackfill::net
