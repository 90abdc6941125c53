// Tests that the sync engine counts what it does into status::Metrics.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>

#include "status/metrics.hpp"
#include "sync/account_sync.hpp"
#include "sync/collection_pass.hpp"
#include "unit/sync/fakes.hpp"

namespace atbackfill::sync {
namespace {

using testing::FakeHttp;
using testing::FakeStore;

constexpr const char* did = "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* thought = "network.comind.thought";
constexpr const char* concept_nsid = "network.comind.concept";
const std::string pds = "http://pds.test";

std::string record_json(const std::string& owner, const std::string& collection, const std::string& rkey,
                        const std::string& value = "{\"n\":1}") {
  return R"({"uri":"at://)" + owner + "/" + collection + "/" + rkey + R"(","cid":"bafy)" + rkey +
         R"(","value":)" + value + "}";
}

struct Harness {
  boost::asio::io_context io;
  FakeHttp http;
  FakeStore store;
  identity::Resolver resolver{http, nullptr, {}};
  status::Metrics metrics;
  SyncContext context{http, store, resolver, SyncOptions{}, &metrics};

  Harness() { context.options.retry = RetryPolicy{1, std::chrono::milliseconds(1), std::chrono::milliseconds(1)}; }

  template <class T>
  T run(boost::asio::awaitable<T> task) {
    T result{};
    boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T r) {
      if (e) std::rethrow_exception(e);
      result = std::move(r);
    });
    io.restart();
    io.run();
    return result;
  }
};

config::Account account_by_did(std::vector<std::string> collections) {
  config::Account account;
  account.did = did;
  for (auto& nsid : collections) account.collections.push_back(config::CollectionPattern{nsid, false, ""});
  return account;
}

TEST(SyncCounting, CommittedPagesCountTheirRecordsRejectionsAndRepairs) {
  Harness h;
  // Page 1: two good records, one repaired (a NUL escape jsonb refuses), one from another repo.
  // Page 2: empty, ends the pass.
  h.http.route(pds + "/xrpc/com.atproto.repo.listRecords", [](const std::string& url) {
    if (url.find("cursor=") != std::string::npos) return FakeHttp::json(200, R"({"records":[]})");
    return FakeHttp::json(200, R"({"records":[)" + record_json(did, thought, "a1") + "," +
                                   record_json(did, thought, "a2", R"({"text":"nul\u0000here"})") + "," +
                                   record_json("did:plc:bbbbbbbbbbbbbbbbbbbbbbbb", thought, "a3") +
                                   R"(],"cursor":"a2"})");
  });
  const auto result = h.run(run_collection_pass(h.context, did, pds, thought));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(h.metrics.pages_committed_total, 2u);
  EXPECT_EQ(h.metrics.records_stored_total, 2u);
  EXPECT_EQ(h.metrics.records_rejected_total, 1u);
  EXPECT_EQ(h.metrics.records_repaired_total, 1u);
}

TEST(SyncCounting, AFailedPageCommitsNothingAndCountsNothing) {
  Harness h;
  h.http.route(pds, [](const std::string&) { return FakeHttp::json(400, R"({"error":"InvalidRequest"})"); });
  const auto result = h.run(run_collection_pass(h.context, did, pds, thought));
  ASSERT_FALSE(result);
  EXPECT_EQ(h.metrics.pages_committed_total, 0u);
  EXPECT_EQ(h.metrics.records_stored_total, 0u);
}

TEST(SyncCounting, AccountPassCountsCollectionPassesByResultAndTheGaugeReturnsToZero) {
  Harness h;
  h.store.identities[did] = identity::Identity{did, std::nullopt, false, pds, ""};
  std::int64_t max_in_progress = 0;
  h.http.route(pds + "/xrpc/com.atproto.repo.listRecords", [&](const std::string& url) {
    max_in_progress = std::max(max_in_progress, h.metrics.collections_in_progress);
    if (url.find(std::string("collection=") + thought) != std::string::npos)
      return FakeHttp::json(200, R"({"records":[]})");
    return FakeHttp::json(400, R"({"error":"InvalidRequest","message":"no"})");
  });
  ActiveCollections active;
  const bool ok = h.run(run_account_pass(h.context, active, account_by_did({thought, concept_nsid})));
  EXPECT_FALSE(ok);
  EXPECT_EQ(h.metrics.collection_passes_ok_total, 1u);
  EXPECT_EQ(h.metrics.collection_passes_error_total, 1u);
  EXPECT_GE(max_in_progress, 1);
  EXPECT_EQ(h.metrics.collections_in_progress, 0);
  EXPECT_EQ(h.metrics.accounts_resolved_total, 0u);  // the identity came from the cache
  EXPECT_EQ(h.metrics.identity_errors_total, 0u);
}

TEST(SyncCounting, IdentityResolutionsAndFailuresAreCounted) {
  Harness h;
  const auto account = account_by_did({thought});
  auto failed = h.run(account_identity(h.context, account, false));  // no route: the directory answers 404
  EXPECT_FALSE(failed);
  EXPECT_EQ(h.metrics.identity_errors_total, 1u);
  EXPECT_EQ(h.metrics.accounts_resolved_total, 0u);

  h.http.route("https://plc.directory/", [](const std::string&) {
    return FakeHttp::json(200, R"({"id":")" + std::string(did) +
                                   R"(","service":[{"id":"#atproto_pds","type":"AtprotoPersonalDataServer",)"
                                   R"("serviceEndpoint":"https://pds.example"}]})");
  });
  auto resolved = h.run(account_identity(h.context, account, false));
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(h.metrics.accounts_resolved_total, 1u);
  EXPECT_EQ(h.metrics.identity_errors_total, 1u);
}

TEST(SyncCounting, NoMetricsObjectIsFine) {
  Harness h;
  h.context.metrics = nullptr;
  h.http.route(pds, [](const std::string&) { return FakeHttp::json(200, R"({"records":[]})"); });
  ActiveCollections active;
  h.store.identities[did] = identity::Identity{did, std::nullopt, false, pds, ""};
  EXPECT_TRUE(h.run(run_account_pass(h.context, active, account_by_did({thought}))));
  EXPECT_EQ(h.metrics.pages_committed_total, 0u);
}

}  // namespace
}  // namespace atbackfill::sync
