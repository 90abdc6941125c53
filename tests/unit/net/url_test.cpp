// Tests for URL parsing, reference resolution, host keys and percent-encoding.
#include <gtest/gtest.h>

#include "net/url.hpp"

namespace atbackfill::net {
namespace {

Url parse_ok(std::string_view text) {
  auto url = parse_url(text);
  EXPECT_TRUE(url.ok()) << text << ": " << (url ? "" : url.error().message);
  return url ? url.value() : Url{};
}

TEST(ParseUrl, SplitsHttpsUrlWithDefaultPort) {
  const auto url = parse_ok("https://Bsky.Social/xrpc/com.atproto.repo.listRecords?repo=did:plc:x");
  EXPECT_EQ(url.scheme, "https");
  EXPECT_EQ(url.host, "bsky.social");
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.target, "/xrpc/com.atproto.repo.listRecords?repo=did:plc:x");
  EXPECT_TRUE(url.tls());
  EXPECT_TRUE(url.default_port());
}

TEST(ParseUrl, HttpWithExplicitPortAndNoPath) {
  const auto url = parse_ok("HTTP://localhost:2583");
  EXPECT_EQ(url.scheme, "http");
  EXPECT_EQ(url.host, "localhost");
  EXPECT_EQ(url.port, 2583);
  EXPECT_EQ(url.target, "/");
  EXPECT_FALSE(url.tls());
  EXPECT_FALSE(url.default_port());
}

TEST(ParseUrl, QueryWithoutPathGetsSlash) {
  EXPECT_EQ(parse_ok("http://a.test?x=1").target, "/?x=1");
}

TEST(ParseUrl, DropsFragment) {
  EXPECT_EQ(parse_ok("https://a.test/p?q=1#frag").target, "/p?q=1");
  EXPECT_EQ(parse_ok("https://a.test#frag").target, "/");
}

TEST(ParseUrl, Ipv6Literal) {
  const auto url = parse_ok("http://[::1]:8080/x");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 8080);
  EXPECT_EQ(url.host_key(), "[::1]:8080");
  EXPECT_EQ(url.origin(), "http://[::1]:8080");
  EXPECT_EQ(parse_ok("https://[2001:DB8::1]").host, "2001:db8::1");
}

TEST(ParseUrl, DefaultPortWrittenExplicitly) {
  const auto url = parse_ok("https://a.test:443/");
  EXPECT_TRUE(url.default_port());
  EXPECT_EQ(url.host_key(), "a.test");
}

TEST(ParseUrl, Rejects) {
  for (const char* bad : {"", "a.test/x", "ftp://a.test/", "https://", "https:///x",
                          "https://user:pw@a.test/", "https://a.test:0/", "https://a.test:65536/",
                          "https://a.test:/", "https://a.test:12x/", "https://[::1/",
                          "https://[::1]x/", "https://[]/", "https://a b/", "https://a.test/x y",
                          "https://a.test/x\r\nHost: evil", "https://a.test\x01/"}) {
    const auto url = parse_url(bad);
    EXPECT_FALSE(url.ok()) << bad;
    if (!url) {
      EXPECT_FALSE(url.error().retryable);
    }
  }
}

TEST(ParseUrl, ErrorNamesTheUrl) {
  const auto url = parse_url("ftp://a.test/");
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.error().message.find("ftp://a.test/"), std::string::npos);
}

TEST(UrlKeys, HostKeyAndOrigin) {
  EXPECT_EQ(parse_ok("https://pds.example.com/xrpc").host_key(), "pds.example.com");
  EXPECT_EQ(parse_ok("https://pds.example.com:8443/xrpc").host_key(), "pds.example.com:8443");
  EXPECT_EQ(parse_ok("http://localhost:80/").host_key(), "localhost");
  EXPECT_EQ(parse_ok("http://localhost:443/").host_key(), "localhost:443");
  EXPECT_EQ(parse_ok("https://pds.example.com:443/x").origin(), "https://pds.example.com");
  EXPECT_EQ(parse_ok("http://localhost:2583/x").origin(), "http://localhost:2583");
}

std::string resolve(std::string_view base, std::string_view reference) {
  const auto resolved = resolve_reference(parse_ok(base), reference);
  if (!resolved) return "error";
  return resolved->origin() + resolved->target;
}

TEST(ResolveReference, AbsoluteAndNetworkPath) {
  EXPECT_EQ(resolve("https://a.test/x", "http://b.test:81/y?z"), "http://b.test:81/y?z");
  EXPECT_EQ(resolve("https://a.test/x", "//b.test/y"), "https://b.test/y");
  EXPECT_EQ(resolve("https://a.test/x", "ftp://b.test/y"), "error");
}

TEST(ResolveReference, AbsolutePath) {
  EXPECT_EQ(resolve("https://a.test:8443/x/y?q=1", "/z?w=2"), "https://a.test:8443/z?w=2");
  EXPECT_EQ(resolve("https://a.test/x", "/a/../b/./c#frag"), "https://a.test/b/c");
}

TEST(ResolveReference, RelativePathMergesWithBaseDirectory) {
  EXPECT_EQ(resolve("https://a.test/a/b/c?q", "d"), "https://a.test/a/b/d");
  EXPECT_EQ(resolve("https://a.test/a/b/c", "../d?x=1"), "https://a.test/a/d?x=1");
  EXPECT_EQ(resolve("https://a.test/a/b/c", "../../../../d"), "https://a.test/d");
  EXPECT_EQ(resolve("https://a.test/a/b/", "./"), "https://a.test/a/b/");
  EXPECT_EQ(resolve("https://a.test", "d"), "https://a.test/d");
}

TEST(ResolveReference, QueryOnlyAndEmpty) {
  EXPECT_EQ(resolve("https://a.test/p?old", "?new"), "https://a.test/p?new");
  EXPECT_EQ(resolve("https://a.test/p?old", ""), "https://a.test/p?old");
  EXPECT_EQ(resolve("https://a.test/p?old", "  /trimmed  "), "https://a.test/trimmed");
}

TEST(ResolveReference, RejectsControlCharacters) {
  EXPECT_EQ(resolve("https://a.test/p", "/x\r\nSet-Cookie: a"), "error");
}

TEST(UrlEncode, KeepsUnreservedEncodesTheRest) {
  EXPECT_EQ(url_encode("abcXYZ019-._~"), "abcXYZ019-._~");
  EXPECT_EQ(url_encode("did:plc:abc"), "did%3Aplc%3Aabc");
  EXPECT_EQ(url_encode("a b/c?d&e=f+g%"), "a%20b%2Fc%3Fd%26e%3Df%2Bg%25");
  EXPECT_EQ(url_encode("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(url_encode(""), "");
}

}  // namespace
}  // namespace atbackfill::net
