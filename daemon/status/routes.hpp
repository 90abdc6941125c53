// What the status server answers, as a pure function of method and target.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace atbackfill::status {

// Where the answers come from; both are called on the server's (the io_context) thread.
struct StatusHandlers {
  std::function<bool()> ready;           // true once migrations are done
  std::function<std::string()> metrics;  // Prometheus text
};

struct StatusReply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  bool allow_get_header = false;  // a 405 names the one method that is allowed
};

// GET /healthz: 200 while the process runs. GET /readyz: 200 once ready, else 503.
// GET /metrics: 200 with the Prometheus text. Other paths: 404. Other methods: 405.
// A query string is ignored. A throwing handler gives 500.
StatusReply route(std::string_view method, std::string_view target, const StatusHandlers& handlers);

}  // namespace atbackfill::status
