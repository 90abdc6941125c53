// decode_xrpc_error: XRPC JSON errors, proxy HTML and empty bodies, and their classification.
#include "atproto/xrpc_error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace atbackfill::atproto {
namespace {

TEST(XrpcError, ReferencePdsRepoNotFound) {
  const auto e = decode_xrpc_error(400, R"({"error":"InvalidRequest","message":"Could not find repo: did:plc:x"})");
  EXPECT_EQ(e.status, 400u);
  EXPECT_EQ(e.name, "InvalidRequest");
  EXPECT_EQ(e.message, "Could not find repo: did:plc:x");
  EXPECT_TRUE(e.repo_missing);
  EXPECT_FALSE(e.repo_unavailable);
  EXPECT_FALSE(e.retryable);
  EXPECT_EQ(e.describe(), "400 InvalidRequest: Could not find repo: did:plc:x");
}

TEST(XrpcError, ReferencePdsDescribeRepoUserNotFound) {
  const auto e = decode_xrpc_error(400, R"({"error":"InvalidRequest","message":"Could not find user: did:plc:x"})");
  EXPECT_TRUE(e.repo_missing);
  EXPECT_FALSE(e.retryable);
  EXPECT_FALSE(decode_xrpc_error(400, R"({"error":"InvalidRequest","message":"bad limit"})").repo_missing);
}

TEST(XrpcError, NamedRepoStates) {
  EXPECT_TRUE(decode_xrpc_error(400, R"({"error":"RepoNotFound","message":"gone"})").repo_missing);
  for (const std::string name : {"RepoDeactivated", "RepoTakendown", "RepoSuspended"}) {
    const auto e = decode_xrpc_error(400, R"({"error":")" + name + R"("})");
    EXPECT_TRUE(e.repo_unavailable) << name;
    EXPECT_FALSE(e.repo_missing) << name;
    EXPECT_EQ(e.describe(), "400 " + name);
  }
  const auto other = decode_xrpc_error(400, R"({"error":"InvalidRequest","message":"Invalid cursor"})");
  EXPECT_FALSE(other.repo_missing);
  EXPECT_FALSE(other.repo_unavailable);
}

TEST(XrpcError, RetryableStatuses) {
  for (const unsigned status : {408u, 425u, 429u, 500u, 502u, 503u, 504u, 599u}) {
    EXPECT_TRUE(decode_xrpc_error(status, "").retryable) << status;
  }
  for (const unsigned status : {400u, 401u, 403u, 404u, 410u, 413u}) {
    EXPECT_FALSE(decode_xrpc_error(status, R"({"error":"InvalidRequest"})").retryable) << status;
  }
  const auto limited = decode_xrpc_error(429, R"({"error":"RateLimitExceeded","message":"Rate Limit Exceeded"})");
  EXPECT_TRUE(limited.retryable);
  EXPECT_EQ(limited.describe(), "429 RateLimitExceeded: Rate Limit Exceeded");
}

TEST(XrpcError, HtmlFromProxy) {
  const std::string html =
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
      "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" + std::string(500, '-');
  const auto e = decode_xrpc_error(502, html);
  EXPECT_EQ(e.name, "");
  EXPECT_TRUE(e.retryable);
  EXPECT_EQ(e.message.find('<'), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find('\n'), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find('\r'), std::string::npos) << e.message;
  EXPECT_TRUE(e.message.starts_with("502 Bad Gateway 502 Bad Gateway nginx")) << e.message;
  EXPECT_LE(e.message.size(), 203u);
  EXPECT_TRUE(e.message.ends_with("...")) << e.message;
  EXPECT_TRUE(e.describe().starts_with("502 502 Bad Gateway")) << e.describe();
}

TEST(XrpcError, EmptyAndOddBodies) {
  const auto empty = decode_xrpc_error(503, "");
  EXPECT_EQ(empty.name, "");
  EXPECT_EQ(empty.message, "");
  EXPECT_EQ(empty.describe(), "503 (empty body)");

  const auto not_object = decode_xrpc_error(500, R"(["error"])");
  EXPECT_EQ(not_object.name, "");
  EXPECT_EQ(not_object.message, R"(["error"])");

  const auto message_only = decode_xrpc_error(500, R"({"message":"Internal Server Error"})");
  EXPECT_EQ(message_only.name, "");
  EXPECT_EQ(message_only.describe(), "500 Internal Server Error");

  const auto binary = decode_xrpc_error(500, std::string("\x00\xFF\x01ok", 5));
  EXPECT_EQ(binary.message, "\xEF\xBF\xBD ok");

  const auto long_message = decode_xrpc_error(400, R"({"error":"X","message":")" + std::string(5000, 'm') + "\"}");
  EXPECT_LT(long_message.message.size(), 400u);
  const auto multi_line = decode_xrpc_error(400, R"({"error":"X","message":"line one\nline two"})");
  EXPECT_EQ(multi_line.message, "line one line two");
}

}  // namespace
}  // namespace atbackfill::atproto
