// Integration tests of the status snapshot behind `atbackfill status`.
#include <gtest/gtest.h>
#include <pqxx/connection>

#include "store/database.hpp"
#include "store/migrate.hpp"
#include "store/pg_sync_store.hpp"
#include "store/status_query.hpp"
#include "store_helpers.hpp"

namespace atbackfill::store {
namespace {

using store_test::execute;
using store_test::make_record;
using store_test::run_blocking;
using testing::ScratchDatabase;

class StatusQueryTest : public store_test::MigratedDatabaseTest {};

TEST_F(StatusQueryTest, EmptyDatabaseHasEmptyReport) {
  pqxx::connection connection(scratch_->url());
  const auto report = query_status(connection);
  EXPECT_TRUE(report.accounts.empty());
  EXPECT_TRUE(report.collections.empty());
  EXPECT_EQ(report.totals.collections, 0);
  EXPECT_EQ(report.totals.records, 0);
}

TEST_F(StatusQueryTest, ReportsEveryCollectionWithCountsAndTotals) {
  {
    Database database(DatabaseOptions{scratch_->url()});
    PgSyncStore store(database);
    run_blocking(store.save_identity({"did:plc:alice", "alice.test", true, "https://pds.test", ""}));
    run_blocking(store.commit_page({"did:plc:alice", "a.b.c", "r2",
                                    {make_record("did:plc:alice", "a.b.c", "r1", "c1", "{}"),
                                     make_record("did:plc:alice", "a.b.c", "r2", "c2", "{}")},
                                    1, false}));
    run_blocking(store.commit_page({"did:plc:alice", "a.b.d", std::nullopt, {}, 0, true}));
    run_blocking(store.commit_page(
        {"did:plc:bob", "a.b.c", "r9", {make_record("did:plc:bob", "a.b.c", "r9", "c9", "{}")}, 0, true}));
    run_blocking(store.record_collection_error("did:plc:bob", "a.b.e", "boom"));
    run_blocking(store.record_account_error("did:plc:carol", "no PDS"));
  }
  execute(scratch_->url(), "UPDATE records SET deleted_at = now() WHERE rkey = 'r1'");

  pqxx::connection connection(scratch_->url());
  const auto report = query_status(connection);

  ASSERT_EQ(report.accounts.size(), 2u);
  EXPECT_EQ(report.accounts[0].did, "did:plc:alice");  // handles first
  EXPECT_EQ(report.accounts[0].status, "resolved");
  EXPECT_TRUE(report.accounts[0].resolved_at);
  EXPECT_EQ(report.accounts[1].did, "did:plc:carol");
  EXPECT_EQ(report.accounts[1].last_error, "no PDS");
  EXPECT_FALSE(report.accounts[1].pds_url);

  ASSERT_EQ(report.collections.size(), 4u);
  const auto& abc = report.collections[0];
  EXPECT_EQ(abc.did, "did:plc:alice");
  EXPECT_EQ(abc.handle, "alice.test");
  EXPECT_EQ(abc.collection, "a.b.c");
  EXPECT_EQ(abc.state, "backfilling");
  EXPECT_EQ(abc.cursor, "r2");
  EXPECT_EQ(abc.records_seen, 2);
  EXPECT_EQ(abc.records_rejected, 1);
  EXPECT_EQ(abc.pages_fetched, 1);
  EXPECT_EQ(abc.record_count, 1);  // r1 is marked deleted
  EXPECT_FALSE(abc.last_synced_at);
  EXPECT_EQ(abc.updated_at.size(), std::string("2024-01-01T00:00:00Z").size());
  EXPECT_EQ(abc.updated_at.back(), 'Z');

  EXPECT_EQ(report.collections[1].collection, "a.b.d");
  EXPECT_EQ(report.collections[1].state, "synced");
  EXPECT_TRUE(report.collections[1].last_synced_at);
  EXPECT_EQ(report.collections[2].did, "did:plc:bob");
  EXPECT_FALSE(report.collections[2].handle);
  EXPECT_EQ(report.collections[2].record_count, 1);
  EXPECT_EQ(report.collections[3].state, "error");
  EXPECT_EQ(report.collections[3].last_error, "boom");

  EXPECT_EQ(report.totals.accounts, 2);
  EXPECT_EQ(report.totals.collections, 4);
  EXPECT_EQ(report.totals.backfilling, 1);
  EXPECT_EQ(report.totals.synced, 2);
  EXPECT_EQ(report.totals.error, 1);
  EXPECT_EQ(report.totals.pending, 0);
  EXPECT_EQ(report.totals.records, 2);
  EXPECT_EQ(report.totals.records_deleted, 1);
}

}  // namespace
}  // namespace atbackfill::store
