// The fixture's HTTP/1.1 server: accept loop, keep-alive sessions, reply modes, latency.
#include "support/fixture_http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <exception>
#include <map>
#include <optional>
#include <string_view>
#include <thread>

namespace atbackfill::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Form-style decoding ('+' is a space), as the reference PDS's query parser does.
std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string key = percent_decode(pair.substr(0, eq), true);
    std::string value = eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1), true);
    out[std::move(key)] = std::move(value);
  }
  return out;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

FixtureRequest to_fixture_request(const http::request<http::string_body>& request, std::size_t connection_id) {
  FixtureRequest out;
  out.received_at = std::chrono::steady_clock::now();
  out.method = std::string(request.method_string());
  out.target = std::string(request.target());
  out.connection_id = connection_id;
  const std::string_view target = request.target();
  const auto question = target.find('?');
  out.path = percent_decode(target.substr(0, question), false);
  if (question != std::string_view::npos) out.query = parse_query(target.substr(question + 1));
  for (const auto& field : request) out.headers[lowercase(field.name_string())] = std::string(field.value());
  return out;
}

// The status line and headers, written by hand so that a reply can lie about its length.
std::string header_block(const FixtureReply& reply, std::size_t content_length, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " ";
  out += std::string_view(http::obsolete_reason(static_cast<http::status>(reply.status)));
  out += "\r\n";
  if (!reply.content_type.empty()) out += "Content-Type: " + reply.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(content_length) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
  out += "\r\n";
  return out;
}

FixtureReply internal_error(std::string_view what) {
  FixtureReply reply;
  reply.status = 500;
  reply.body = "{\"error\":\"InternalServerError\",\"message\":" + json_quote(what) + "}";
  return reply;
}

}  // namespace

struct FixtureHttpServer::Impl {
  Handler handler;
  std::atomic<std::int64_t> latency_ms{0};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<std::size_t> max_in_flight{0};
  std::atomic<bool> held{false};
  std::size_t next_connection_id = 1;  // server thread only
  unsigned short port = 0;
  // Coroutine frames (which own the sockets) die with the io_context, so it is reset
  // explicitly before the rest of Impl, once the thread has been joined.
  std::optional<asio::io_context> io;
  std::optional<asio::steady_timer> gate;  // never expires; cancelled to wake held replies
  std::thread thread;

  asio::awaitable<void> accept_loop(tcp::acceptor acceptor);
  asio::awaitable<void> session(tcp::socket socket, std::size_t connection_id);
  asio::awaitable<bool> send(tcp::socket& socket, const FixtureReply& reply, bool keep_alive);
  asio::awaitable<void> pause(tcp::socket& socket, std::chrono::milliseconds delay);
  FixtureReply call_handler(const FixtureRequest& request);
};

asio::awaitable<void> FixtureHttpServer::Impl::accept_loop(tcp::acceptor acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;  // e.g. a connection reset before it was accepted
    asio::co_spawn(acceptor.get_executor(), session(std::move(socket), next_connection_id++), asio::detached);
  }
}

asio::awaitable<void> FixtureHttpServer::Impl::pause(tcp::socket& socket, std::chrono::milliseconds delay) {
  if (delay.count() <= 0) co_return;
  asio::steady_timer timer(socket.get_executor(), delay);
  co_await timer.async_wait(use_tuple);
}

FixtureReply FixtureHttpServer::Impl::call_handler(const FixtureRequest& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return internal_error(e.what());
  }
}

asio::awaitable<void> FixtureHttpServer::Impl::session(tcp::socket socket, std::size_t connection_id) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    auto [read_error, read_bytes] = co_await http::async_read(socket, buffer, request, use_tuple);
    if (read_error) break;

    const std::size_t now_in_flight = ++in_flight;
    std::size_t seen = max_in_flight.load();
    while (now_in_flight > seen && !max_in_flight.compare_exchange_weak(seen, now_in_flight)) {
    }

    const FixtureReply reply = call_handler(to_fixture_request(request, connection_id));
    co_await pause(socket, std::chrono::milliseconds(latency_ms.load()));
    while (held) co_await gate->async_wait(use_tuple);
    const bool keep_alive = request.keep_alive() &&
                            (reply.mode == FixtureReply::Mode::normal || reply.mode == FixtureReply::Mode::trickle);
    const bool sent = co_await send(socket, reply, keep_alive);  // also ends the in-flight count
    if (!sent || !keep_alive) break;
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

// Returns false when the connection failed while writing. The request stops counting as in
// flight just before the last bytes go out: a client that reacts to the reply by sending
// another request must never find the previous one still counted.
asio::awaitable<bool> FixtureHttpServer::Impl::send(tcp::socket& socket, const FixtureReply& reply, bool keep_alive) {
  using Mode = FixtureReply::Mode;
  bool counted = true;
  const auto finish = [&] {
    if (counted) --in_flight;
    counted = false;
  };
  switch (reply.mode) {
    case Mode::close_without_response:
      finish();
      co_return true;
    case Mode::truncated_body: {
      const std::string head = header_block(reply, std::max<std::size_t>(reply.body.size(), 1), false);
      const std::string bytes = head + reply.body.substr(0, reply.body.size() / 2);
      finish();
      auto [ec, n] = co_await asio::async_write(socket, asio::buffer(bytes), use_tuple);
      co_return !ec;
    }
    case Mode::trickle: {
      const std::string head = header_block(reply, reply.body.size(), keep_alive);
      if (reply.body.empty()) finish();
      auto [ec, n] = co_await asio::async_write(socket, asio::buffer(head), use_tuple);
      if (ec) {
        finish();
        co_return false;
      }
      const std::size_t chunk = std::max<std::size_t>(reply.trickle_chunk, 1);
      for (std::size_t offset = 0; offset < reply.body.size(); offset += chunk) {
        co_await pause(socket, reply.trickle_delay);
        const std::size_t length = std::min(chunk, reply.body.size() - offset);
        if (offset + length == reply.body.size()) finish();
        auto [chunk_ec, written] = co_await asio::async_write(socket, asio::buffer(reply.body.data() + offset, length), use_tuple);
        if (chunk_ec) {
          finish();
          co_return false;
        }
      }
      co_return true;
    }
    case Mode::normal:
      break;
  }
  const std::string head = header_block(reply, reply.body.size(), keep_alive);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(reply.body)};
  finish();
  auto [ec, n] = co_await asio::async_write(socket, buffers, use_tuple);
  co_return !ec;
}

FixtureHttpServer::FixtureHttpServer(const std::string& bind_address, unsigned short port, Handler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  impl_->io.emplace(1);
  impl_->gate.emplace(*impl_->io, asio::steady_timer::time_point::max());
  const tcp::endpoint endpoint(asio::ip::make_address(bind_address), port);
  tcp::acceptor acceptor(*impl_->io);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = acceptor.local_endpoint().port();
  asio::co_spawn(*impl_->io, impl_->accept_loop(std::move(acceptor)), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io->run(); });
}

FixtureHttpServer::~FixtureHttpServer() {
  impl_->io->stop();
  impl_->thread.join();
  impl_->gate.reset();
  impl_->io.reset();
}

unsigned short FixtureHttpServer::port() const { return impl_->port; }

void FixtureHttpServer::set_latency(std::chrono::milliseconds latency) { impl_->latency_ms = latency.count(); }

void FixtureHttpServer::hold_replies(bool hold) {
  impl_->held = hold;
  if (!hold) asio::post(*impl_->io, [impl = impl_.get()] { impl->gate->cancel(); });
}

std::size_t FixtureHttpServer::max_in_flight() const { return impl_->max_in_flight.load(); }

void FixtureHttpServer::reset_max_in_flight() { impl_->max_in_flight = impl_->in_flight.load(); }

}  // namespace atbackfill::testing
