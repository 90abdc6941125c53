// next_page_verdict and decode_describe_repo.
#include <gtest/gtest.h>

#include "atproto/list_records.hpp"

namespace atbackfill::atproto {
namespace {

ListRecordsPage page_of(std::size_t records, std::size_t rejected, std::optional<std::string> cursor) {
  ListRecordsPage page;
  for (std::size_t i = 0; i < records; ++i) page.records.push_back(Record{"r" + std::to_string(i), "", "", "{}", {}, false});
  for (std::size_t i = 0; i < rejected; ++i) page.rejected.push_back(RejectedRecord{"", "bad"});
  page.cursor = std::move(cursor);
  return page;
}

TEST(PageVerdict, Table) {
  EXPECT_EQ(next_page_verdict(page_of(0, 0, std::nullopt), std::nullopt), PageVerdict::done);
  EXPECT_EQ(next_page_verdict(page_of(0, 0, "c1"), std::nullopt), PageVerdict::done);  // empty page with a cursor
  EXPECT_EQ(next_page_verdict(page_of(0, 0, "c1"), "c1"), PageVerdict::done);
  EXPECT_EQ(next_page_verdict(page_of(3, 0, std::nullopt), "c0"), PageVerdict::done);  // last page without cursor
  EXPECT_EQ(next_page_verdict(page_of(3, 0, "c1"), std::nullopt), PageVerdict::next_page);
  EXPECT_EQ(next_page_verdict(page_of(3, 0, "c2"), "c1"), PageVerdict::next_page);
  EXPECT_EQ(next_page_verdict(page_of(3, 0, "c1"), "c1"), PageVerdict::cursor_stuck);
  // Every record rejected: the server still had records, so follow the cursor.
  EXPECT_EQ(next_page_verdict(page_of(0, 2, "c2"), "c1"), PageVerdict::next_page);
  EXPECT_EQ(next_page_verdict(page_of(0, 2, "c1"), "c1"), PageVerdict::cursor_stuck);
}

TEST(DescribeRepo, DecodesReferenceShape) {
  const auto repo = decode_describe_repo(
      R"({"handle":"Alice.A.Test","did":"did:plc:abc","didDoc":{"id":"did:plc:abc"},)"
      R"("collections":["network.comind.thought","app.bsky.feed.post","not valid","com.example",7],"handleIsCorrect":true})");
  ASSERT_TRUE(repo.ok()) << repo.error().message;
  EXPECT_EQ(repo->did, "did:plc:abc");
  EXPECT_EQ(repo->handle, "alice.a.test");
  EXPECT_EQ(repo->collections, (std::vector<std::string>{"network.comind.thought", "app.bsky.feed.post"}));
}

TEST(DescribeRepo, OptionalPartsAndFailures) {
  const auto bare = decode_describe_repo(R"({"did":"did:web:example.com","handle":"handle.invalid"})");
  ASSERT_TRUE(bare.ok());
  EXPECT_FALSE(bare->handle);
  EXPECT_TRUE(bare->collections.empty());
  EXPECT_FALSE(decode_describe_repo(R"({"handle":"a.test"})").ok());
  EXPECT_FALSE(decode_describe_repo(R"({"did":"nope"})").ok());
  EXPECT_FALSE(decode_describe_repo("<html>").ok());
  EXPECT_FALSE(decode_describe_repo("[]").ok());
}

}  // namespace
}  // namespace atbackfill::atproto
