// Tests for the status server over real loopback sockets.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <string>

#include "status/status_server.hpp"

namespace atbackfill::status {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// A blocking client that writes raw bytes, so tests can also send what no HTTP library would.
// Every read gives up after 30 s, so a server that never answers fails the test instead of hanging it.
class RawClient {
 public:
  explicit RawClient(unsigned short port, const char* address = "127.0.0.1") {
    socket_.connect(tcp::endpoint(asio::ip::make_address(address), port));
    timeval timeout{30, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }

  void send(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  std::optional<http::response<http::string_body>> read_response() {
    http::response<http::string_body> response;
    boost::system::error_code error;
    http::read(socket_, buffer_, response, error);
    if (error) return std::nullopt;
    return response;
  }

  std::optional<http::response<http::string_body>> get(const std::string& target, bool keep_alive = true) {
    send("GET " + target + " HTTP/1.1\r\nHost: test\r\n" + (keep_alive ? "" : "Connection: close\r\n") + "\r\n");
    return read_response();
  }

  // True when the server closed the connection (a clean end or a reset), false on a read timeout.
  bool closed_by_server() {
    char byte;
    boost::system::error_code error;
    socket_.read_some(asio::buffer(&byte, 1), error);
    return error == asio::error::eof || error == asio::error::connection_reset;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_{io_};
  boost::beast::flat_buffer buffer_;
};

class StatusServerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (running_.valid()) {
      EXPECT_TRUE(stop_and_wait());
    }
  }

  void start(StatusServerOptions options = {}, const std::string& listen = "127.0.0.1:0") {
    server_.emplace(io_.get_executor(),
                    StatusHandlers{[this] { return ready_.load(); },
                                   [this] { return "metrics call " + std::to_string(++metrics_calls_) + "\n"; }},
                    options);
    const auto started = server_->start(listen);
    ASSERT_TRUE(started) << started.error().message;
    port_ = server_->port();
    ASSERT_NE(port_, 0);
    running_ = std::async(std::launch::async, [this] { io_.run(); });
  }

  // Stops the server on its own thread and waits for io.run() to return: once stopped, nothing
  // of the server may keep the event loop alive.
  bool stop_and_wait() {
    asio::post(io_, [this] { server_->stop(); });
    if (running_.wait_for(std::chrono::seconds(30)) == std::future_status::ready) return true;
    io_.stop();
    running_.wait();
    return false;
  }

  asio::io_context io_{1};
  std::atomic<bool> ready_{false};
  int metrics_calls_ = 0;  // io thread only
  std::optional<StatusServer> server_;
  std::future<void> running_;
  unsigned short port_ = 0;
};

TEST_F(StatusServerTest, AnswersAllRoutesOnOneKeepAliveConnection) {
  start();
  RawClient client(port_);
  auto response = client.get("/healthz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "ok");
  EXPECT_TRUE(response->keep_alive());

  response = client.get("/readyz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 503u);
  ready_ = true;
  response = client.get("/readyz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);

  response = client.get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "metrics call 1\n");
  EXPECT_EQ((*response)[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  response = client.get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "metrics call 2\n");  // rendered per request, not cached

  response = client.get("/nothing-here");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 404u);
}

TEST_F(StatusServerTest, ConnectionCloseIsHonoured) {
  start();
  RawClient client(port_);
  const auto response = client.get("/healthz", false);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(StatusServerTest, OtherMethodsGet405WithAllow) {
  start();
  RawClient client(port_);
  client.send("DELETE /metrics HTTP/1.1\r\nHost: test\r\n\r\n");
  const auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 405u);
  EXPECT_EQ((*response)[http::field::allow], "GET");
}

TEST_F(StatusServerTest, OversizedHeadersGet431AndTheConnectionIsClosed) {
  StatusServerOptions options;
  options.max_header_bytes = 1024;
  start(options);
  RawClient client(port_);
  client.send("GET /metrics HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(4096, 'x') + "\r\n\r\n");
  const auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(StatusServerTest, RequestBodiesAreRefused) {
  start();
  RawClient client(port_);
  client.send("GET /metrics HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhello");
  const auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(StatusServerTest, GarbageGets400) {
  start();
  RawClient client(port_);
  client.send("this is not http\r\n\r\n");
  const auto response = client.read_response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(StatusServerTest, IdleConnectionsAreClosedAfterTheReadTimeout) {
  StatusServerOptions options;
  options.read_timeout = std::chrono::milliseconds(100);
  start(options);
  RawClient silent(port_);
  EXPECT_TRUE(silent.closed_by_server());
  RawClient half(port_);
  half.send("GET /metrics HTTP/1.1\r\n");  // never finishes its headers
  EXPECT_TRUE(half.closed_by_server());
}

TEST_F(StatusServerTest, StopClosesOpenConnectionsSoTheEventLoopCanEnd) {
  StatusServerOptions options;
  options.read_timeout = std::chrono::hours(1);  // only stop() can end these sessions
  start(options);
  RawClient idle(port_);
  ASSERT_TRUE(idle.get("/healthz"));  // the session exists and waits for the next request
  RawClient partial(port_);
  partial.send("GET /healthz HTTP/1.1\r\n");
  ASSERT_TRUE(stop_and_wait());
  EXPECT_TRUE(idle.closed_by_server());
  EXPECT_TRUE(partial.closed_by_server());
}

TEST_F(StatusServerTest, ConnectionsBeyondTheLimitAreClosed) {
  StatusServerOptions options;
  options.max_connections = 1;
  start(options);
  RawClient first(port_);
  ASSERT_TRUE(first.get("/healthz"));  // registered before the second one arrives
  RawClient second(port_);
  EXPECT_TRUE(second.closed_by_server());
  EXPECT_TRUE(first.get("/healthz"));
}

TEST_F(StatusServerTest, APortInUseIsAnErrorAndTheFirstServerKeepsServing) {
  start();
  StatusServer other(io_.get_executor(), StatusHandlers{});
  const auto started = other.start("127.0.0.1:" + std::to_string(port_));
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("cannot listen"), std::string::npos) << started.error().message;
  RawClient client(port_);
  const auto response = client.get("/healthz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

TEST_F(StatusServerTest, MalformedAddressIsAnError) {
  StatusServer server(io_.get_executor(), StatusHandlers{});
  EXPECT_FALSE(server.start("no port here"));
  EXPECT_FALSE(server.start("[::1:9464"));
  EXPECT_EQ(server.port(), 0);
}

TEST_F(StatusServerTest, ListensOnIpv6Loopback) {
  {
    StatusServer probe(io_.get_executor(), StatusHandlers{});
    if (!probe.start("[::1]:0")) GTEST_SKIP() << "no IPv6 loopback here";
  }
  start({}, "[::1]:0");
  RawClient client(port_, "::1");
  const auto response = client.get("/healthz");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

}  // namespace
}  // namespace atbackfill::status
