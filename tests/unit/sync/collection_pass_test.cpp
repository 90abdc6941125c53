// The page loop of one collection against a fake PDS and a fake store.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "fakes.hpp"
#include "sync/collection_pass.hpp"

namespace atbackfill::sync {
namespace {

using testing::FakeHttp;
using testing::FakeStore;

constexpr const char* did = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* collection = "network.comind.thought";
const std::string pds = "http://pds.test";

std::string record_json(const std::string& rkey, const std::string& value = "{\"n\":1}") {
  return R"({"uri":"at://)" + std::string(did) + "/" + collection + "/" + rkey + R"(","cid":"bafy)" + rkey +
         R"(","value":)" + value + "}";
}

std::string page_json(const std::vector<std::string>& rkeys, std::optional<std::string> cursor) {
  std::string body = R"({"records":[)";
  for (std::size_t i = 0; i < rkeys.size(); ++i) body += (i ? "," : "") + record_json(rkeys[i]);
  body += "]";
  if (cursor) body += R"(,"cursor":")" + *cursor + "\"";
  return body + "}";
}

std::optional<std::string> query_param(const std::string& url, const std::string& name) {
  const auto at = url.find("&" + name + "=");
  if (at == std::string::npos) return std::nullopt;
  const auto begin = at + name.size() + 2;
  return url.substr(begin, url.find('&', begin) - begin);
}

// Serves `rkeys` oldest first like the reference PDS with reverse=true: the cursor is the
// last rkey of a non-empty page; the page after the last one is empty without a cursor.
void serve_collection(FakeHttp& http, std::vector<std::string> rkeys, std::size_t page_size) {
  http.route(pds + "/xrpc/com.atproto.repo.listRecords", [rkeys, page_size](const std::string& url) {
    const auto cursor = query_param(url, "cursor");
    std::vector<std::string> page;
    for (const auto& rkey : rkeys)
      if ((!cursor || rkey > *cursor) && page.size() < page_size) page.push_back(rkey);
    return FakeHttp::json(200, page_json(page, page.empty() ? std::nullopt : std::optional(page.back())));
  });
}

struct Harness {
  boost::asio::io_context io;
  FakeHttp http;
  FakeStore store;
  identity::Resolver resolver{http, nullptr, {}};
  SyncContext context{http, store, resolver, SyncOptions{}};

  Harness() {
    context.options.page_size = 2;
    context.options.retry = RetryPolicy{3, std::chrono::milliseconds(1), std::chrono::milliseconds(2)};
  }
  Expected<PassSummary> run_pass(bool from_start = false) {
    Expected<PassSummary> result = permanent_error("not run");
    boost::asio::co_spawn(io, run_collection_pass(context, did, pds, collection, from_start),
                          [&](std::exception_ptr e, Expected<PassSummary> r) {
                            if (e) std::rethrow_exception(e);
                            result = std::move(r);
                          });
    io.restart();
    io.run();
    return result;
  }
};

TEST(CollectionPass, PagesToTheEndCommittingEachPageWithItsCursor) {
  Harness h;
  serve_collection(h.http, {"a1", "a2", "a3", "a4", "a5"}, 2);
  auto result = h.run_pass();
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(result->records, 5);
  EXPECT_EQ(result->pages, 4);  // 2 + 2 + 1 + the empty page that ends the pass
  ASSERT_EQ(h.store.commits.size(), 4u);
  EXPECT_EQ(h.store.commits[0].cursor, "a2");
  EXPECT_EQ(h.store.commits[1].cursor, "a4");
  EXPECT_EQ(h.store.commits[2].cursor, "a5");
  EXPECT_FALSE(h.store.commits[3].cursor.has_value());  // keeps the stored high-water mark
  EXPECT_TRUE(h.store.commits[3].pass_complete);
  EXPECT_EQ(h.store.records.size(), 5u);
  EXPECT_EQ((h.store.states[{did, collection}].cursor), "a5");
  EXPECT_EQ((h.store.states[{did, collection}].state), "synced");
}

TEST(CollectionPass, ContinuesFromTheStoredCursorAndFetchesOnlyNewRecords) {
  Harness h;
  h.store.states[{did, collection}] = store::CollectionState{"a3", "synced", 3};
  serve_collection(h.http, {"a1", "a2", "a3", "a4"}, 2);
  auto result = h.run_pass();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->records, 1);
  ASSERT_FALSE(h.http.requests.empty());
  EXPECT_EQ(query_param(h.http.requests.front(), "cursor"), "a3");
  EXPECT_EQ((h.store.states[{did, collection}].cursor), "a4");
}

TEST(CollectionPass, ARescanListsEverythingAgainAndPicksUpEdits) {
  Harness h;
  h.store.states[{did, collection}] = store::CollectionState{"a4", "synced", 4};
  serve_collection(h.http, {"a1", "a2", "a3", "a4"}, 2);
  auto result = h.run_pass(true);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->records, 4);
  EXPECT_FALSE(query_param(h.http.requests.front(), "cursor").has_value());
  EXPECT_EQ((h.store.states[{did, collection}].cursor), "a4");  // back at the high-water mark
}

TEST(CollectionPass, StopsWhenTheLastPageHasNoCursor) {
  Harness h;
  h.http.route(pds, [](const std::string&) { return FakeHttp::json(200, page_json({"b1", "b2"}, std::nullopt)); });
  auto result = h.run_pass();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(h.http.requests.size(), 1u);
  EXPECT_EQ(h.store.records.size(), 2u);
  EXPECT_TRUE(h.store.commits.back().pass_complete);
}

TEST(CollectionPass, ARepeatedCursorIsAnErrorNotAnEndlessLoop) {
  Harness h;
  h.http.route(pds, [](const std::string&) { return FakeHttp::json(200, page_json({"c1", "c2"}, "c2")); });
  auto result = h.run_pass();
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("a second time"), std::string::npos);
  EXPECT_EQ(h.http.requests.size(), 2u);
  EXPECT_EQ((h.store.states[{did, collection}].state), "error");
  EXPECT_FALSE((h.store.collection_errors[{did, collection}].empty()));
}

TEST(CollectionPass, CursorsThatCycleEndThePassWithAnError) {
  Harness h;
  h.http.route(pds, [](const std::string& url) {
    const auto cursor = query_param(url, "cursor");
    if (!cursor) return FakeHttp::json(200, page_json({"c1"}, "a"));
    if (*cursor == "a") return FakeHttp::json(200, page_json({"c2"}, "b"));
    return FakeHttp::json(200, page_json({"c3"}, "a"));  // b -> a: back to a cursor already used
  });
  auto result = h.run_pass();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(h.http.requests.size(), 3u);
  EXPECT_EQ((h.store.states[{did, collection}].state), "error");
}

TEST(CollectionPass, RetriesServerErrorsThenSucceeds) {
  Harness h;
  int calls = 0;
  h.http.route(pds, [&calls](const std::string&) {
    if (++calls < 3) return FakeHttp::json(502, "<html><body>Bad Gateway</body></html>");
    return FakeHttp::json(200, R"({"records":[]})");
  });
  auto result = h.run_pass();
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ(calls, 3);
}

TEST(CollectionPass, GivesUpAfterTheRetryBudgetAndRecordsTheError) {
  Harness h;
  h.http.route(pds, [](const std::string&) { return FakeHttp::json(503, ""); });
  auto result = h.run_pass();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(h.http.requests.size(), 3u);
  EXPECT_TRUE(h.store.commits.empty());
  EXPECT_EQ((h.store.states[{did, collection}].state), "error");
}

TEST(CollectionPass, DoesNotRetryAPermanentError) {
  Harness h;
  h.http.route(pds, [](const std::string&) {
    return FakeHttp::json(400, R"({"error":"InvalidRequest","message":"Could not find repo: did:plc:x"})");
  });
  auto result = h.run_pass();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(h.http.requests.size(), 1u);
  EXPECT_EQ(result.error().code, "RepoNotFound");
}

TEST(CollectionPass, ForeignRecordsAreRejectedAndTheRestStored) {
  Harness h;
  h.http.route(pds, [](const std::string& url) {
    if (query_param(url, "cursor")) return FakeHttp::json(200, R"({"records":[]})");
    const std::string foreign =
        R"({"uri":"at://did:plc:bbbbbbbbbbbbbbbbbbbbbbbb/network.comind.thought/x1","cid":"bafyx","value":{}})";
    return FakeHttp::json(200, R"({"records":[)" + record_json("d1") + "," + foreign + "," + record_json("d2") +
                                   R"(],"cursor":"d2"})");
  });
  auto result = h.run_pass();
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->records, 2);
  EXPECT_EQ(result->rejected, 1);
  EXPECT_EQ(h.store.records.size(), 2u);
  EXPECT_EQ(h.store.commits.front().rejected, 1);
}

}  // namespace
}  // namespace atbackfill::sync
