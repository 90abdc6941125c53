// The HTTP status server: accept loop, keep-alive sessions, limits and shutdown.
#include "status/status_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <map>
#include <optional>

#include "status/listen_address.hpp"

namespace atbackfill::status {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A request the parser refused: answered with a status and the connection closed.
std::optional<unsigned> protocol_error_status(const boost::system::error_code& error) {
  if (error.category() != http::make_error_code(http::error::header_limit).category()) return std::nullopt;
  if (error == http::error::end_of_stream || error == http::error::partial_message) return std::nullopt;
  if (error == http::error::header_limit) return 431;
  if (error == http::error::unexpected_body || error == http::error::body_limit) return 413;
  return 400;
}

http::response<http::string_body> to_response(const StatusReply& reply, bool keep_alive) {
  http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
  response.set(http::field::content_type, reply.content_type);
  response.set(http::field::cache_control, "no-store");
  if (reply.allow_get_header) response.set(http::field::allow, "GET");
  response.body() = reply.body;
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

}  // namespace

struct StatusServer::State {
  State(asio::any_io_executor executor, StatusHandlers handlers, StatusServerOptions options)
      : executor(std::move(executor)), handlers(std::move(handlers)), options(options) {}

  asio::any_io_executor executor;
  StatusHandlers handlers;
  StatusServerOptions options;
  std::optional<tcp::acceptor> acceptor;
  std::map<std::uint64_t, beast::tcp_stream*> connections;  // open sessions, closed by stop()
  std::uint64_t next_connection = 0;
  bool stopped = false;

  // Each takes its own reference to the state: a coroutine starts lazily, so the reference
  // must be bound when the call is made, not taken from inside the body once it runs.
  asio::awaitable<void> accept_loop(std::shared_ptr<State> self);
  asio::awaitable<void> session(std::shared_ptr<State> self, tcp::socket socket);
  asio::awaitable<bool> reply(beast::tcp_stream& stream, const StatusReply& reply, bool keep_alive);
};

asio::awaitable<void> StatusServer::State::accept_loop(std::shared_ptr<State> self) {
  while (!stopped) {
    auto [error, socket] = co_await acceptor->async_accept(use_tuple);
    if (stopped || error == asio::error::operation_aborted) co_return;
    if (error) {
      // E.g. out of file descriptors: pause instead of spinning on the same error.
      spdlog::warn("status server accept failed error=\"{}\"", error.message());
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    if (connections.size() >= options.max_connections) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    asio::co_spawn(executor, session(self, std::move(socket)), asio::detached);
  }
}

asio::awaitable<bool> StatusServer::State::reply(beast::tcp_stream& stream, const StatusReply& reply,
                                                 bool keep_alive) {
  auto response = to_response(reply, keep_alive);
  stream.expires_after(options.read_timeout);
  auto [error, written] = co_await http::async_write(stream, response, use_tuple);
  co_return !error;
}

asio::awaitable<void> StatusServer::State::session([[maybe_unused]] std::shared_ptr<State> self,
                                                    tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  const auto id = next_connection++;
  connections.emplace(id, &stream);
  struct Unregister {
    State& state;
    std::uint64_t id;
    ~Unregister() { state.connections.erase(id); }
  } unregister{*this, id};

  beast::flat_buffer buffer;
  while (!stopped) {
    // No body is expected: an empty_body parser refuses one (413) instead of buffering it.
    http::request_parser<http::empty_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    stream.expires_after(options.read_timeout);
    auto [read_error, read_bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (stopped) break;
    if (read_error) {
      // Timeouts, resets and clean closes end the session quietly; malformed requests get an answer.
      if (const auto status = protocol_error_status(read_error)) {
        StatusReply refusal;
        refusal.status = *status;
        refusal.body = "bad request: " + read_error.message() + "\n";
        co_await reply(stream, refusal, false);
      }
      break;
    }
    const auto& request = parser.get();
    const bool keep_alive = request.keep_alive() && !stopped;
    const auto answer = route(request.method_string(), request.target(), handlers);
    if (!co_await reply(stream, answer, keep_alive) || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream.close();
}

StatusServer::StatusServer(asio::any_io_executor executor, StatusHandlers handlers, StatusServerOptions options)
    : state_(std::make_shared<State>(std::move(executor), std::move(handlers), options)) {}

StatusServer::~StatusServer() { stop(); }

Expected<Ok> StatusServer::start(const std::string& listen) {
  auto address = parse_listen_address(listen);
  if (!address) return address.error();
  boost::system::error_code error;
  tcp::resolver resolver(state_->executor);
  // Resolving here blocks, but only at startup and only for a host name (IP literals are
  // converted without a lookup).
  const auto endpoints =
      resolver.resolve(address->host, std::to_string(address->port), tcp::resolver::passive, error);
  if (error) return permanent_error("status.listen \"" + listen + "\": cannot resolve: " + error.message());

  std::string last_problem = "no address";
  for (const auto& entry : endpoints) {
    tcp::acceptor acceptor(state_->executor);
    const auto endpoint = entry.endpoint();
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
    if (!error) acceptor.bind(endpoint, error);
    if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
    if (error) {
      last_problem = error.message();
      continue;
    }
    state_->acceptor.emplace(std::move(acceptor));
    state_->stopped = false;
    asio::co_spawn(state_->executor, state_->accept_loop(state_), asio::detached);
    return Ok{};
  }
  return permanent_error("status.listen \"" + listen + "\": cannot listen: " + last_problem);
}

void StatusServer::stop() {
  state_->stopped = true;
  boost::system::error_code ignored;
  if (state_->acceptor) state_->acceptor->close(ignored);
  // Copied first: closing does not resume the sessions here, but keep the loop independent of that.
  const auto open = state_->connections;
  for (const auto& [id, stream] : open) stream->socket().close(ignored);
}

unsigned short StatusServer::port() const {
  boost::system::error_code error;
  if (!state_->acceptor) return 0;
  const auto endpoint = state_->acceptor->local_endpoint(error);
  return error ? 0 : endpoint.port();
}

}  // namespace atbackfill::status
