// The HTTP status server (/healthz, /readyz, /metrics) on the daemon's io_context.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "status/routes.hpp"
#include "util/expected.hpp"

namespace atbackfill::status {

struct StatusServerOptions {
  // A connection that sends no complete request for this long is closed (also idle keep-alive).
  std::chrono::milliseconds read_timeout = std::chrono::seconds(10);
  std::size_t max_header_bytes = 8 * 1024;  // larger requests get 431 and are closed
  std::size_t max_connections = 64;         // further connections are closed at once
};

// HTTP/1.1 with keep-alive, one coroutine per connection, GET only, no request bodies.
// Single-threaded: start(), stop() and the handlers all run on the executor's one thread.
class StatusServer {
 public:
  StatusServer(boost::asio::any_io_executor executor, StatusHandlers handlers, StatusServerOptions options = {});
  ~StatusServer();  // stop()
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  // Binds `listen` ("host:port", "[v6]:port"; port 0 picks a free one) and starts accepting.
  // An Error when the address is malformed, does not resolve or cannot be bound (in use).
  Expected<Ok> start(const std::string& listen);
  // Closes the acceptor and every open connection, so nothing of the server keeps the
  // io_context running. Idempotent.
  void stop();
  // The bound port (after a successful start).
  unsigned short port() const;

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the coroutines, which may outlive this object
};

}  // namespace atbackfill::status
