// Tests for collection patterns: parsing and matching.
#include <gtest/gtest.h>

#include "config/collection_pattern.hpp"

namespace atbackfill::config {
namespace {

CollectionPattern ok(std::string_view text) {
  auto parsed = parse_collection_pattern(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed ? "" : parsed.error().message);
  return parsed ? *parsed : CollectionPattern{};
}

std::string error(std::string_view text) {
  auto parsed = parse_collection_pattern(text);
  EXPECT_FALSE(parsed.ok()) << text;
  return parsed ? "" : parsed.error().message;
}

TEST(CollectionPattern, ParsesExactNsid) {
  const auto pattern = ok("app.bsky.feed.post");
  EXPECT_FALSE(pattern.wildcard);
  EXPECT_EQ(pattern.text, "app.bsky.feed.post");
  EXPECT_EQ(pattern.prefix, "");
}

TEST(CollectionPattern, ParsesWildcard) {
  const auto pattern = ok("network.comind.*");
  EXPECT_TRUE(pattern.wildcard);
  EXPECT_EQ(pattern.text, "network.comind.*");
  EXPECT_EQ(pattern.prefix, "network.comind");
  EXPECT_TRUE(ok("app.bsky.feed.*").wildcard);
}

TEST(CollectionPattern, LowercasesTheAuthorityOnly) {
  EXPECT_EQ(ok("Network.Comind.Thought").text, "network.comind.Thought");
  EXPECT_EQ(ok("Network.COMIND.*").prefix, "network.comind");
}

TEST(CollectionPattern, RejectsTooBroadWildcards) {
  EXPECT_EQ(error("*"),
            "\"*\" is too broad: a wildcard needs at least two segments before \".*\" (e.g. "
            "\"network.comind.*\")");
  EXPECT_EQ(error("com.*"),
            "\"com.*\" is too broad: a wildcard needs at least two segments before \".*\" (e.g. "
            "\"network.comind.*\")");
  EXPECT_NE(error(".*"), "");
}

TEST(CollectionPattern, RejectsMisplacedStars) {
  EXPECT_NE(error("network.*.thought"), "");
  EXPECT_NE(error("network.comind*"), "");
  EXPECT_NE(error("network.comind.**"), "");
  EXPECT_NE(error("network.*.*"), "");
  EXPECT_NE(error("network.comind.th*"), "");
}

TEST(CollectionPattern, RejectsInvalidNsids) {
  EXPECT_EQ(error("network..comind"), "\"network..comind\" is not a valid NSID");
  EXPECT_EQ(error("network.comind"), "\"network.comind\" is not a valid NSID");
  EXPECT_NE(error(""), "");
  EXPECT_EQ(error("net_work.comind.*"),
            "\"net_work.comind.*\" is not a valid wildcard: \"net_work.comind\" is not a valid "
            "NSID prefix");
  EXPECT_NE(error("network..comind.*"), "");
  EXPECT_NE(error("1network.comind.*"), "");
}

TEST(CollectionPattern, WildcardMatchesStrictlyUnderThePrefix) {
  const auto pattern = ok("network.comind.*");
  EXPECT_TRUE(pattern.matches("network.comind.thought"));
  EXPECT_TRUE(pattern.matches("network.comind.a.b"));
  EXPECT_TRUE(pattern.matches("Network.Comind.thought"));
  EXPECT_FALSE(pattern.matches("network.comind"));
  EXPECT_FALSE(pattern.matches("network.comind."));
  EXPECT_FALSE(pattern.matches("network.cominder.x"));
  EXPECT_FALSE(pattern.matches("network.cominD"));
  EXPECT_FALSE(pattern.matches("org.comind.thought"));
  EXPECT_FALSE(pattern.matches(""));
}

TEST(CollectionPattern, ExactMatchesOnlyItself) {
  const auto pattern = ok("app.bsky.feed.post");
  EXPECT_TRUE(pattern.matches("app.bsky.feed.post"));
  EXPECT_TRUE(pattern.matches("APP.bsky.Feed.post"));   // authority is case-insensitive
  EXPECT_FALSE(pattern.matches("app.bsky.feed.Post"));  // the name is not
  EXPECT_FALSE(pattern.matches("app.bsky.feed.posts"));
  EXPECT_FALSE(pattern.matches("app.bsky.feed.post.x"));
  EXPECT_FALSE(pattern.matches("app.bsky.feed"));
  EXPECT_FALSE(pattern.matches(""));
}

}  // namespace
}  // namespace atbackfill::config
