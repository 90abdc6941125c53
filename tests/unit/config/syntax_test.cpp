// Tests for the config module's own NSID, DID, handle and host checks.
#include <gtest/gtest.h>

#include <string>

#include "config/host_syntax.hpp"
#include "config/syntax.hpp"

namespace atbackfill::config::detail {
namespace {

TEST(ConfigSyntax, ValidNsids) {
  for (const auto* text :
       {"app.bsky.feed.post", "network.comind.thought", "com.example.fooBar", "com.example.f00",
        "a.b.c", "a-0.b-1.c", "COM.Example.post", "net.users.bob.ping", "cn.8.lex.stuff"}) {
    EXPECT_TRUE(is_nsid(text)) << text;
  }
}

TEST(ConfigSyntax, InvalidNsids) {
  for (const auto* text :
       {"", "com", "com.example", "network..comind", "com.example.", ".com.example.post",
        "com.example.3post", "com.example.foo-bar", "com.exa_mple.post", "com.-example.post",
        "com.example-.post", "1com.example.post", "com.example.post*", "com.example.*",
        "com.example.po st", "com.ex\xc3\xa9mple.post"}) {
    EXPECT_FALSE(is_nsid(text)) << text;
  }
}

TEST(ConfigSyntax, NsidLengthLimits) {
  const std::string label63(63, 'a');
  const std::string label64(64, 'a');
  EXPECT_TRUE(is_nsid("com." + label63 + ".post"));
  EXPECT_FALSE(is_nsid("com." + label64 + ".post"));
  EXPECT_TRUE(is_nsid("com.example." + label63));
  EXPECT_FALSE(is_nsid("com.example." + label64));
  // Authority of 4 x 63 + 3 dots = 255 > 253.
  const std::string long_authority = label63 + "." + label63 + "." + label63 + "." + label63;
  EXPECT_FALSE(is_nsid(long_authority + ".post"));
  EXPECT_TRUE(is_nsid(long_authority.substr(0, 253) + ".post"));
}

TEST(ConfigSyntax, ValidDids) {
  for (const auto* text :
       {"did:plc:z72i7hdynmk6r22z27h6tvur", "did:web:example.com", "did:web:localhost%3A2583",
        "did:example:a:b", "did:method:A.b_c-d%20"}) {
    EXPECT_TRUE(is_did(text)) << text;
  }
}

TEST(ConfigSyntax, InvalidDids) {
  for (const auto* text :
       {"", "did", "did:", "did:plc", "did:plc:", "DID:plc:z72i7hdynmk6r22z27h6tvur",
        "did:PLC:z72i7hdynmk6r22z27h6tvur", "did:plc:z72i7hdynmk6r22z27h6tvu",   // 23 chars
        "did:plc:z72i7hdynmk6r22z27h6tvurr",                                     // 25 chars
        "did:plc:z72i7hdynmk6r22z27h6tvu1", "did:plc:Z72I7HDYNMK6R22Z27H6TVUR",  // base32 only
        "did:web:example.com:", "did:web:exa mple.com", "did:web:example.com/x", "did:web:a%2",
        "did:web:a%zz", "did:m1:abc", ":plc:abc"}) {
    EXPECT_FALSE(is_did(text)) << text;
  }
  EXPECT_FALSE(is_did("did:web:" + std::string(2041, 'a')));
  EXPECT_TRUE(is_did("did:web:" + std::string(2040, 'a')));
}

TEST(ConfigSyntax, ValidHandles) {
  for (const auto* text : {"alice.bsky.social", "central.comind.network", "a.co", "x-1.example",
                           "alice.test", "ALICE.Bsky.Social", "1password.com"}) {
    EXPECT_TRUE(is_handle(text)) << text;
  }
}

TEST(ConfigSyntax, InvalidHandles) {
  for (const auto* text :
       {"", "alice", "alice.", ".alice.com", "alice..com", "-alice.com", "alice-.com", "alice.123",
        "alice.1com", "al_ice.com", "@alice.com", "alice.com/x", "did:plc:abc"}) {
    EXPECT_FALSE(is_handle(text)) << text;
  }
  EXPECT_FALSE(is_handle(std::string(64, 'a') + ".com"));
  const std::string label63(63, 'a');
  const std::string long_name = label63 + "." + label63 + "." + label63 + "." + label63;
  EXPECT_FALSE(is_handle(long_name));                         // 255 chars
  EXPECT_TRUE(is_handle(long_name.substr(0, 249) + ".com"));  // 253 chars
}

TEST(ConfigSyntax, HostKeys) {
  for (const auto* text : {"comind.network", "localhost", "localhost:2583", "127.0.0.1:8080",
                           "[::1]", "[::1]:8080", "pds.example.com"}) {
    EXPECT_EQ(host_key_problem(text), std::nullopt) << text;
  }
  for (const auto* text : {"", "https://comind.network", "comind.network/", "host:", "host:0",
                           "host:65536", "host:port", "[::1", "[zz]:80", "ho st", "a:b:c"}) {
    EXPECT_NE(host_key_problem(text), std::nullopt) << text;
  }
}

TEST(ConfigSyntax, ListenAddresses) {
  for (const auto* text : {"127.0.0.1:9464", "localhost:1", "[::1]:9464", "0.0.0.0:65535"}) {
    EXPECT_EQ(listen_address_problem(text), std::nullopt) << text;
  }
  for (const auto* text : {"", "9464", ":9464", "localhost", "localhost:", "localhost:99999",
                           "[::1]", "http://localhost:9464"}) {
    EXPECT_NE(listen_address_problem(text), std::nullopt) << text;
  }
}

TEST(ConfigSyntax, BaseUrls) {
  for (const auto* text : {"https://plc.directory", "http://localhost:2582", "HTTPS://Example.com/",
                           "https://[::1]:8443/base", "https://example.com/a/b/"}) {
    EXPECT_EQ(base_url_problem(text), std::nullopt) << text;
  }
  for (const auto* text :
       {"plc.directory", "ftp://plc.directory", "https://", "https:///x", "https://a b.com",
        "https://example.com?x=1", "https://user@example.com", "https://example.com:0",
        "https://example.com:x", "https://example.com#frag", "https://[::1"}) {
    EXPECT_NE(base_url_problem(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace atbackfill::config::detail
