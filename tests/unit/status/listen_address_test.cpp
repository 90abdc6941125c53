// Tests for parsing the status.listen address.
#include <gtest/gtest.h>

#include "status/listen_address.hpp"

namespace atbackfill::status {
namespace {

TEST(ParseListenAddress, AcceptsIpv4Ipv6AndNames) {
  auto a = parse_listen_address("127.0.0.1:9464");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9464);
  a = parse_listen_address("0.0.0.0:1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "0.0.0.0");
  EXPECT_EQ(a->port, 1);
  a = parse_listen_address("[::1]:65535");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 65535);
  a = parse_listen_address("localhost:0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "localhost");
  EXPECT_EQ(a->port, 0);
}

TEST(ParseListenAddress, RejectsMalformedAddresses) {
  for (const char* text : {"", "9464", ":9464", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                           "127.0.0.1:94a4", "127.0.0.1:123456", "::1:9464", "[::1]", "[::1]9464", "[]:9464"}) {
    const auto parsed = parse_listen_address(text);
    EXPECT_FALSE(parsed) << text;
    if (!parsed) {
      EXPECT_NE(parsed.error().message.find("listen address"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace atbackfill::status
