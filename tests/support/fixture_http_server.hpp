// A small HTTP/1.1 server on its own thread that answers every request through one handler.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "support/fixture_pds.hpp"

namespace atbackfill::testing {

// Keep-alive connections, any number at once, one io_context on one thread. The handler runs
// on that thread; the reply modes (truncation, trickling, closing) and the latency are applied
// by the server with timers, so a slow reply never holds up other connections.
class FixtureHttpServer {
 public:
  using Handler = std::function<FixtureReply(const FixtureRequest&)>;

  // Binds and starts listening before returning; throws std::system_error if binding fails.
  FixtureHttpServer(const std::string& bind_address, unsigned short port, Handler handler);
  ~FixtureHttpServer();  // stops serving (open connections are dropped) and joins the thread
  FixtureHttpServer(const FixtureHttpServer&) = delete;
  FixtureHttpServer& operator=(const FixtureHttpServer&) = delete;

  unsigned short port() const;
  void set_latency(std::chrono::milliseconds latency);
  void hold_replies(bool hold);  // see FixturePds::hold_replies
  std::size_t max_in_flight() const;
  void reset_max_in_flight();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace atbackfill::testing
