// Integration tests of PgSyncStore: page commits, checkpoints and atomicity against real PostgreSQL.
#include <gtest/gtest.h>
#include <pqxx/connection>

#include "store/database.hpp"
#include "store/migrate.hpp"
#include "store/pg_sync_store.hpp"
#include "store_helpers.hpp"

namespace atbackfill::store {
namespace {

using store_test::execute;
using store_test::make_record;
using store_test::query_value;
using store_test::run_blocking;
using testing::ScratchDatabase;

constexpr const char* did = "did:plc:alice";
constexpr const char* nsid = "network.comind.thought";

class PgSyncStoreTest : public store_test::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    DatabaseOptions options;
    options.url = scratch_->url();
    options.initial_backoff = std::chrono::milliseconds(10);
    options.max_backoff = std::chrono::milliseconds(100);
    database_ = std::make_unique<Database>(options);
    store_ = std::make_unique<PgSyncStore>(*database_);
  }

  std::int64_t commit(PageCommit page) { return run_blocking(store_->commit_page(std::move(page))); }

  static PageCommit page(std::vector<atproto::Record> records, std::optional<std::string> cursor,
                         bool complete = false) {
    return PageCommit{did, nsid, std::move(cursor), std::move(records), 0, complete};
  }
  static atproto::Record record(std::string rkey, std::string cid, std::string value,
                                std::optional<std::string> created_at = std::nullopt) {
    return make_record(did, nsid, std::move(rkey), std::move(cid), std::move(value), std::move(created_at));
  }

  std::optional<std::string> sql(const std::string& query) { return query_value(scratch_->url(), query); }
  std::string records_snapshot() {
    return sql("SELECT coalesce(string_agg(concat_ws('|', did, collection, rkey, uri, cid, value::text, created_at, "
               "indexed_at, updated_at, deleted_at), E'\\n' ORDER BY rkey), '') FROM records")
        .value_or("");
  }
  std::string state_column(const std::string& column) {
    return sql("SELECT " + column + " FROM sync_state WHERE did = '" + did + "' AND collection = '" + nsid + "'")
        .value_or("NULL");
  }

  std::unique_ptr<Database> database_;
  std::unique_ptr<PgSyncStore> store_;
};

TEST_F(PgSyncStoreTest, UnknownCollectionIsPending) {
  const auto state = run_blocking(store_->load_collection(did, nsid));
  EXPECT_EQ(state.cursor, std::nullopt);
  EXPECT_EQ(state.state, "pending");
  EXPECT_EQ(state.records_seen, 0);
}

TEST_F(PgSyncStoreTest, PageAndCursorAreStoredTogether) {
  commit(page({record("3k2a", "bafya", R"({"text":"one"})"), record("3k2b", "bafyb", R"({"text":"two"})")}, "3k2b"));

  EXPECT_EQ(sql("SELECT count(*) FROM records"), "2");
  EXPECT_EQ(sql("SELECT uri || ' ' || cid || ' ' || (value->>'text') FROM records WHERE rkey = '3k2b'"),
            std::string("at://") + did + "/" + nsid + "/3k2b bafyb two");
  const auto state = run_blocking(store_->load_collection(did, nsid));
  EXPECT_EQ(state.cursor, "3k2b");
  EXPECT_EQ(state.state, "backfilling");
  EXPECT_EQ(state.records_seen, 2);
  EXPECT_EQ(state_column("pages_fetched"), "1");
  EXPECT_EQ(state_column("last_synced_at"), "NULL");
  EXPECT_NE(state_column("pass_started_at"), "NULL");
}

TEST_F(PgSyncStoreTest, SamePageTwiceLeavesRecordsUntouched) {
  const auto first = page({record("3k2a", "bafya", R"({"text":"one","n":1})", "2024-01-02 03:04:05.000000+00"),
                           record("3k2b", "bafyb", R"({"text":"two"})")},
                          "3k2b");
  commit(first);
  const auto snapshot = records_snapshot();
  commit(first);
  EXPECT_EQ(records_snapshot(), snapshot);
  EXPECT_EQ(sql("SELECT count(*) FROM records"), "2");
  EXPECT_EQ(state_column("cursor"), "3k2b");
}

TEST_F(PgSyncStoreTest, ChangedCidUpdatesTheRowAndUpdatedAt) {
  commit(page({record("3k2a", "bafy-old", R"({"text":"before"})")}, "3k2a"));
  const auto indexed = sql("SELECT indexed_at FROM records");
  const auto updated = sql("SELECT updated_at FROM records");

  commit(page({record("3k2a", "bafy-new", R"({"text":"after"})")}, "3k2a"));
  EXPECT_EQ(sql("SELECT cid || ' ' || (value->>'text') FROM records"), "bafy-new after");
  EXPECT_EQ(sql("SELECT indexed_at FROM records"), indexed);
  EXPECT_EQ(sql("SELECT updated_at > '" + updated.value() + "'::timestamptz FROM records"), "true");
}

TEST_F(PgSyncStoreTest, DeletedRecordThatReappearsIsRestored) {
  commit(page({record("3k2a", "bafya", R"({"text":"one"})")}, "3k2a"));
  execute(scratch_->url(), "UPDATE records SET deleted_at = now()");
  commit(page({record("3k2a", "bafya", R"({"text":"one"})")}, "3k2a"));
  EXPECT_EQ(sql("SELECT deleted_at IS NULL FROM records"), "true");
}

TEST_F(PgSyncStoreTest, FailureAfterTheRecordsRollsBackRecordsAndCursor) {
  commit(page({record("3k2a", "bafya", R"({"text":"one"})")}, "3k2a"));
  // The second statement of the transaction (the checkpoint) fails after the records were written.
  execute(scratch_->url(),
          "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;"
          "CREATE TRIGGER refuse BEFORE UPDATE ON sync_state FOR EACH ROW EXECUTE FUNCTION refuse();");
  const auto before = records_snapshot();

  EXPECT_THROW(commit(page({record("3k2a", "bafy-changed", R"({"text":"changed"})"),
                            record("3k2b", "bafyb", R"({"text":"two"})")},
                           "3k2b")),
               pqxx::sql_error);
  EXPECT_EQ(records_snapshot(), before);
  EXPECT_EQ(state_column("cursor"), "3k2a");
  EXPECT_EQ(state_column("pages_fetched"), "1");
}

TEST_F(PgSyncStoreTest, RecordsThePostgresRefusesAreLeftOutAndTheRestCommits) {
  commit(page({record("3k2a", "bafya", R"({"text":"one"})")}, "3k2a"));
  // jsonb refuses \u0000 and numbers beyond numeric's range; the records around them stay.
  EXPECT_EQ(commit(page({record("3k2b", "bafyb", R"({"text":"two"})"), record("3k2c", "bafyc", R"({"t":"\u0000"})"),
                         record("3k2d", "bafyd", R"({"n":1e200000})"), record("3k2e", "bafye", R"({"text":"five"})")},
                        "3k2e")),
            2);
  EXPECT_EQ(sql("SELECT string_agg(rkey, ',' ORDER BY rkey) FROM records"), "3k2a,3k2b,3k2e");
  EXPECT_EQ(state_column("cursor"), "3k2e");
  EXPECT_EQ(state_column("records_rejected"), "2");
  EXPECT_EQ(state_column("records_seen"), "3");
}

TEST_F(PgSyncStoreTest, HugeIntegersArePreservedExactly) {
  const std::string value =
      R"({"big":123456789012345678901234567890,"max":9223372036854775807,"min":-9223372036854775808,)"
      R"("past53":9007199254740993,"nested":{"list":[18446744073709551615,0.1]}})";
  commit(page({record("3k2a", "bafya", value)}, "3k2a"));
  EXPECT_EQ(sql("SELECT value->'big' FROM records"), "123456789012345678901234567890");
  EXPECT_EQ(sql("SELECT value->'max' FROM records"), "9223372036854775807");
  EXPECT_EQ(sql("SELECT value->'min' FROM records"), "-9223372036854775808");
  EXPECT_EQ(sql("SELECT value->'past53' FROM records"), "9007199254740993");
  EXPECT_EQ(sql("SELECT value->'nested'->'list' FROM records"), "[18446744073709551615, 0.1]");
  EXPECT_EQ(sql("SELECT value::text = '" + value + "'::jsonb::text FROM records"), "true");
}

TEST_F(PgSyncStoreTest, StringsThatNeedEscapingSurvive) {
  auto odd = record("3k2a", "bafy\"quote\\back", R"({"text":"line\nbreak \"q\" \\ é 😀"})");
  odd.uri = "at://did:plc:alice/network.comind.thought/3k2a?\"\t\x01";
  commit(page({odd}, "3k2a"));
  EXPECT_EQ(sql("SELECT cid FROM records"), "bafy\"quote\\back");
  EXPECT_EQ(sql("SELECT uri FROM records"), odd.uri);
  EXPECT_EQ(sql("SELECT value->>'text' FROM records"), "line\nbreak \"q\" \\ é 😀");
}

TEST_F(PgSyncStoreTest, CreatedAtIsStoredOrNull) {
  commit(page({record("3k2a", "bafya", R"({"a":1})", "2024-01-02 03:04:05.123456+00"),
               record("3k2b", "bafyb", R"({"b":2})")},
              "3k2b"));
  EXPECT_EQ(sql("SELECT created_at = '2024-01-02T03:04:05.123456Z'::timestamptz FROM records WHERE rkey = '3k2a'"),
            "true");
  EXPECT_EQ(sql("SELECT created_at IS NULL FROM records WHERE rkey = '3k2b'"), "true");

  // An edit that loses its createdAt clears the column.
  commit(page({record("3k2a", "bafya2", R"({"a":2})")}, "3k2b"));
  EXPECT_EQ(sql("SELECT created_at IS NULL FROM records WHERE rkey = '3k2a'"), "true");
}

TEST_F(PgSyncStoreTest, MissingCursorKeepsTheStoredOneAndCompletesThePass) {
  auto first = page({record("3k2a", "bafya", "{}"), record("3k2b", "bafyb", "{}")}, "3k2b");
  first.rejected = 3;
  commit(first);
  commit(page({}, std::nullopt, /*complete=*/true));

  const auto state = run_blocking(store_->load_collection(did, nsid));
  EXPECT_EQ(state.cursor, "3k2b");
  EXPECT_EQ(state.state, "synced");
  EXPECT_EQ(state.records_seen, 2);
  EXPECT_EQ(state_column("records_rejected"), "3");
  EXPECT_EQ(state_column("pages_fetched"), "2");
  EXPECT_EQ(state_column("last_synced_at IS NOT NULL"), "true");
}

TEST_F(PgSyncStoreTest, FirstPageCanCompleteThePassWithoutACursor) {
  commit(page({}, std::nullopt, /*complete=*/true));
  const auto state = run_blocking(store_->load_collection(did, nsid));
  EXPECT_EQ(state.cursor, std::nullopt);
  EXPECT_EQ(state.state, "synced");
}

TEST_F(PgSyncStoreTest, PassStartIsKeptWhileBackfilling) {
  commit(page({record("3k2a", "bafya", "{}")}, "3k2a"));
  execute(scratch_->url(), "UPDATE sync_state SET pass_started_at = '2000-01-01Z'");
  commit(page({record("3k2b", "bafyb", "{}")}, "3k2b"));
  EXPECT_EQ(state_column("pass_started_at = '2000-01-01Z'"), "true");
  commit(page({}, std::nullopt, true));
  EXPECT_EQ(state_column("pass_started_at = '2000-01-01Z'"), "true");
  // The next page after a completed pass starts a new one.
  commit(page({record("3k2c", "bafyc", "{}")}, "3k2c"));
  EXPECT_EQ(state_column("pass_started_at > '2000-01-01Z'"), "true");
}

TEST_F(PgSyncStoreTest, RepeatedRkeyInOnePageKeepsTheLast) {
  commit(page({record("3k2a", "bafy1", R"({"v":1})"), record("3k2b", "bafyb", "{}"),
               record("3k2a", "bafy2", R"({"v":2})")},
              "3k2b"));
  EXPECT_EQ(sql("SELECT count(*) FROM records"), "2");
  EXPECT_EQ(sql("SELECT cid || ' ' || (value->>'v') FROM records WHERE rkey = '3k2a'"), "bafy2 2");
  EXPECT_EQ(state_column("records_seen"), "2");
}

TEST_F(PgSyncStoreTest, CollectionsAndAccountsAreKeptApart) {
  commit(page({record("self", "bafya", "{}")}, "self"));
  commit(PageCommit{did, "app.bsky.actor.profile", "self",
                    {make_record(did, "app.bsky.actor.profile", "self", "bafyp", "{}")}, 0, true});
  commit(PageCommit{"did:plc:bob", nsid, "self", {make_record("did:plc:bob", nsid, "self", "bafyq", "{}")}, 0, false});
  EXPECT_EQ(sql("SELECT count(*) FROM records"), "3");
  EXPECT_EQ(sql("SELECT count(*) FROM sync_state"), "3");
  EXPECT_EQ(run_blocking(store_->load_collection(did, "app.bsky.actor.profile")).state, "synced");
  EXPECT_EQ(run_blocking(store_->load_collection(did, nsid)).state, "backfilling");
}

TEST_F(PgSyncStoreTest, CollectionErrorIsRecordedAndClearedByTheNextPage) {
  run_blocking(store_->record_collection_error(did, nsid, "listRecords: 502 Bad Gateway"));
  auto state = run_blocking(store_->load_collection(did, nsid));
  EXPECT_EQ(state.state, "error");
  EXPECT_EQ(state_column("last_error"), "listRecords: 502 Bad Gateway");

  commit(page({record("3k2a", "bafya", "{}")}, "3k2a"));
  state = run_blocking(store_->load_collection(did, nsid));
  EXPECT_EQ(state.state, "backfilling");
  EXPECT_EQ(state.cursor, "3k2a");
  EXPECT_EQ(state_column("last_error"), "NULL");

  run_blocking(store_->record_collection_error(did, nsid, "again"));
  state = run_blocking(store_->load_collection(did, nsid));
  EXPECT_EQ(state.state, "error");
  EXPECT_EQ(state.cursor, "3k2a");
}

TEST_F(PgSyncStoreTest, CommitSurvivesATerminatedBackend) {
  commit(page({record("3k2a", "bafya", "{}")}, "3k2a"));
  const int pid = run_blocking(database_->run([](pqxx::connection& connection) { return connection.backendpid(); }));
  EXPECT_EQ(sql("SELECT pg_terminate_backend(" + std::to_string(pid) + ")"), "true");

  commit(page({record("3k2b", "bafyb", "{}")}, "3k2b"));
  EXPECT_EQ(sql("SELECT count(*) FROM records"), "2");
  EXPECT_EQ(state_column("cursor"), "3k2b");
  // Statements are prepared again on the new connection.
  EXPECT_EQ(run_blocking(store_->load_collection(did, nsid)).records_seen, 2);
}

TEST_F(PgSyncStoreTest, StoppedStoreRefusesWork) {
  database_->stop();
  EXPECT_THROW(commit(page({record("3k2a", "bafya", "{}")}, "3k2a")), Stopped);
  EXPECT_EQ(sql("SELECT count(*) FROM records"), "0");
}

}  // namespace
}  // namespace atbackfill::store
