// Tests for the status server's routing (no sockets).
#include <gtest/gtest.h>

#include <stdexcept>

#include "status/prometheus.hpp"
#include "status/routes.hpp"

namespace atbackfill::status {
namespace {

StatusHandlers handlers(bool ready) {
  return {[ready] { return ready; }, [] { return std::string("atbackfill_ready 1\n"); }};
}

TEST(Route, HealthzIsAlwaysOk) {
  for (const bool ready : {false, true}) {
    const auto reply = route("GET", "/healthz", handlers(ready));
    EXPECT_EQ(reply.status, 200u);
    EXPECT_EQ(reply.body, "ok");
  }
}

TEST(Route, ReadyzFollowsTheFlag) {
  EXPECT_EQ(route("GET", "/readyz", handlers(false)).status, 503u);
  EXPECT_EQ(route("GET", "/readyz", handlers(true)).status, 200u);
}

TEST(Route, ReadyzWithoutAHandlerIsNotReady) {
  EXPECT_EQ(route("GET", "/readyz", StatusHandlers{}).status, 503u);
}

TEST(Route, MetricsServesTheRenderedTextWithThePrometheusContentType) {
  const auto reply = route("GET", "/metrics", handlers(true));
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.body, "atbackfill_ready 1\n");
  EXPECT_EQ(reply.content_type, prometheus_content_type);
}

TEST(Route, QueryStringIsIgnored) {
  EXPECT_EQ(route("GET", "/metrics?name[]=x", handlers(true)).status, 200u);
  EXPECT_EQ(route("GET", "/healthz?", handlers(true)).status, 200u);
}

TEST(Route, UnknownPathsAreNotFound) {
  for (const char* target : {"/", "/metrics/", "/healthz/x", "/Metrics", "metrics", "", "/readyzz"})
    EXPECT_EQ(route("GET", target, handlers(true)).status, 404u) << target;
}

TEST(Route, OnlyGetIsAllowed) {
  for (const char* method : {"POST", "PUT", "DELETE", "HEAD", "OPTIONS", "get"}) {
    const auto reply = route(method, "/metrics", handlers(true));
    EXPECT_EQ(reply.status, 405u) << method;
    EXPECT_TRUE(reply.allow_get_header) << method;
  }
}

TEST(Route, AThrowingHandlerGivesInternalError) {
  StatusHandlers broken{[]() -> bool { throw std::runtime_error("boom"); },
                        []() -> std::string { throw std::runtime_error("bang"); }};
  EXPECT_EQ(route("GET", "/readyz", broken).status, 500u);
  const auto reply = route("GET", "/metrics", broken);
  EXPECT_EQ(reply.status, 500u);
  EXPECT_NE(reply.body.find("bang"), std::string::npos);
}

}  // namespace
}  // namespace atbackfill::status
