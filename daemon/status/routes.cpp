// What the status server answers, as a pure function of method and target.
#include "status/routes.hpp"

#include <exception>

#include "status/prometheus.hpp"

namespace atbackfill::status {
namespace {

StatusReply text(unsigned status, std::string body) {
  StatusReply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

}  // namespace

StatusReply route(std::string_view method, std::string_view target, const StatusHandlers& handlers) {
  const auto path = target.substr(0, target.find('?'));
  const bool known = path == "/healthz" || path == "/readyz" || path == "/metrics";
  if (!known) return text(404, "not found\n");
  if (method != "GET") {
    auto reply = text(405, "method not allowed\n");
    reply.allow_get_header = true;
    return reply;
  }
  try {
    if (path == "/healthz") return text(200, "ok");
    if (path == "/readyz") {
      const bool ready = handlers.ready && handlers.ready();
      return ready ? text(200, "ready\n") : text(503, "not ready: migrations pending\n");
    }
    auto reply = text(200, handlers.metrics ? handlers.metrics() : std::string{});
    reply.content_type = std::string(prometheus_content_type);
    return reply;
  } catch (const std::exception& e) {
    return text(500, std::string("internal error: ") + e.what() + "\n");
  }
}

}  // namespace atbackfill::status
