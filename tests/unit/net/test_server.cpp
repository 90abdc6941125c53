// The scriptable test server: one coroutine per connection, handler-chosen bytes back.
#include "unit/net/test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace atbackfill::net::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

}  // namespace

struct TestServer::Impl {
  TestServer& server;
  Handler handler;
  std::shared_ptr<asio::ssl::context> tls;
  tcp::acceptor acceptor;

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      auto [ec, n] = co_await http::async_read(stream, buffer, request, as_tuple_awaitable);
      if (ec) co_return;
      ++server.requests_;
      ServerRequest seen{std::string(request.target()), std::string(request[http::field::host]),
                         std::string(request[http::field::user_agent]),
                         std::string(request[http::field::accept]), server.port_};
      const Reply reply = handler(seen);
      if (reply.hang) {
        asio::steady_timer forever(stream.get_executor(), asio::steady_timer::time_point::max());
        co_await forever.async_wait(as_tuple_awaitable);
        co_return;
      }
      auto [wec, written] = co_await asio::async_write(stream, asio::buffer(reply.raw), as_tuple_awaitable);
      if (wec || reply.close_after) co_return;
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    ++server.connections_;
    if (!tls) {
      co_await serve(socket);
      co_return;
    }
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, as_tuple_awaitable);
    if (!ec) co_await serve(stream);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(as_tuple_awaitable);
      if (ec) co_return;
      asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
    }
  }
};

std::string http_response(unsigned status, const std::string& body,
                          const std::vector<std::string>& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " Whatever\r\n";
  for (const auto& header : headers) out += header + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}

TestServer::TestServer(Handler handler, std::shared_ptr<asio::ssl::context> tls)
    : impl_(new Impl{*this, std::move(handler), std::move(tls),
                     tcp::acceptor(context_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0))}) {
  port_ = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(context_, impl_->accept_loop(), asio::detached);
  thread_ = std::thread([this] { context_.run(); });
}

TestServer::~TestServer() {
  context_.stop();
  thread_.join();
}

std::string test_ca_file() {
  return std::string(ATBACKFILL_SOURCE_DIR) + "/tests/unit/net/testdata/localhost.crt";
}

std::shared_ptr<asio::ssl::context> test_server_tls() {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  const std::string dir = std::string(ATBACKFILL_SOURCE_DIR) + "/tests/unit/net/testdata/";
  context->use_certificate_chain_file(dir + "localhost.crt");
  context->use_private_key_file(dir + "localhost.key", asio::ssl::context::pem);
  return context;
}

}  // namespace atbackfill::net::testing
