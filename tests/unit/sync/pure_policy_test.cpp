// Retry backoff, collection selection and listRecords URL building.
#include <gtest/gtest.h>

#include "sync/collection_pass.hpp"
#include "sync/collection_selection.hpp"
#include "sync/retry_policy.hpp"

namespace atbackfill::sync {
namespace {

config::CollectionPattern exact(std::string nsid) { return {nsid, false, ""}; }
config::CollectionPattern wildcard(std::string prefix) { return {prefix + ".*", true, prefix}; }

TEST(RetryPolicy, DoublesFromInitialDelayAndCaps) {
  RetryPolicy policy{6, std::chrono::milliseconds(1000), std::chrono::milliseconds(5000)};
  EXPECT_EQ(policy.delay_after(1, 0.9999999).count(), 999);
  EXPECT_EQ(policy.delay_after(2, 1.0).count(), 2000);
  EXPECT_EQ(policy.delay_after(3, 1.0).count(), 4000);
  EXPECT_EQ(policy.delay_after(4, 1.0).count(), 5000);
  EXPECT_EQ(policy.delay_after(60, 1.0).count(), 5000);
}

TEST(RetryPolicy, JitterKeepsAtLeastHalfTheDelay) {
  RetryPolicy policy{6, std::chrono::milliseconds(1000), std::chrono::milliseconds(5000)};
  EXPECT_EQ(policy.delay_after(2, 0.0).count(), 1000);
  EXPECT_EQ(policy.delay_after(2, 0.5).count(), 1500);
  EXPECT_EQ(policy.delay_after(2, -3.0).count(), 1000);  // out-of-range randomness is clamped
}

TEST(CollectionSelection, ExactNsidsAreFetchedEvenWhenNotDescribed) {
  const std::vector patterns = {exact("app.bsky.feed.post")};
  EXPECT_FALSE(needs_repo_description(patterns));
  EXPECT_EQ(select_collections(patterns, {}), std::vector<std::string>{"app.bsky.feed.post"});
}

TEST(CollectionSelection, WildcardsExpandToDescribedCollectionsUnderThePrefix) {
  const std::vector patterns = {wildcard("network.comind"), exact("org.example.note")};
  EXPECT_TRUE(needs_repo_description(patterns));
  const std::vector<std::string> described = {"network.comind.thought", "app.bsky.feed.post", "network.cominder.x",
                                              "network.comind.concept", "org.example.note"};
  EXPECT_EQ(select_collections(patterns, described),
            (std::vector<std::string>{"network.comind.concept", "network.comind.thought", "org.example.note"}));
}

TEST(ListRecordsUrl, AsksOldestFirstAndEncodesParameters) {
  EXPECT_EQ(list_records_url("https://pds.example", "did:plc:abc", "a.b.c", 100, std::nullopt),
            "https://pds.example/xrpc/com.atproto.repo.listRecords?repo=did%3Aplc%3Aabc&collection=a.b.c"
            "&limit=100&reverse=true");
  EXPECT_EQ(list_records_url("http://localhost:2583", "did:web:x.test", "a.b.c", 5, std::string("3k+/ z")),
            "http://localhost:2583/xrpc/com.atproto.repo.listRecords?repo=did%3Aweb%3Ax.test&collection=a.b.c"
            "&limit=5&reverse=true&cursor=3k%2B%2F%20z");
}

}  // namespace
}  // namespace atbackfill::sync
