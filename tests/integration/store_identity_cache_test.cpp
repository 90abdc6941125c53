// Integration tests of the Postgres-backed identity cache of PgSyncStore.
#include <gtest/gtest.h>
#include <pqxx/connection>

#include "store/database.hpp"
#include "store/migrate.hpp"
#include "store/pg_sync_store.hpp"
#include "store_helpers.hpp"

namespace atbackfill::store {
namespace {

using namespace std::chrono_literals;
using store_test::execute;
using store_test::query_value;
using store_test::run_blocking;
using testing::ScratchDatabase;

class IdentityCacheTest : public store_test::MigratedDatabaseTest {
 protected:
  void SetUp() override {
    MigratedDatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    database_ = std::make_unique<Database>(DatabaseOptions{scratch_->url()});
    store_ = std::make_unique<PgSyncStore>(*database_);
  }

  static identity::Identity alice() {
    return identity::Identity{"did:plc:alice", "alice.example.com", true, "https://pds.example.com", ""};
  }
  std::optional<identity::Identity> cached(const std::string& key, std::chrono::milliseconds max_age) {
    return run_blocking(store_->cached_identity(key, max_age));
  }
  std::optional<std::string> sql(const std::string& query) { return query_value(scratch_->url(), query); }

  std::unique_ptr<Database> database_;
  std::unique_ptr<PgSyncStore> store_;
};

TEST_F(IdentityCacheTest, EmptyCacheFindsNothing) {
  EXPECT_FALSE(cached("did:plc:alice", 24h));
  EXPECT_FALSE(cached("alice.example.com", 24h));
}

TEST_F(IdentityCacheTest, SavedIdentityIsFoundByDidAndByHandleInAnyCase) {
  run_blocking(store_->save_identity(alice()));
  for (const char* key : {"did:plc:alice", "alice.example.com", "Alice.Example.COM"}) {
    const auto found = cached(key, 1h);
    ASSERT_TRUE(found) << key;
    EXPECT_EQ(found->did, "did:plc:alice");
    EXPECT_EQ(found->handle, "alice.example.com");
    EXPECT_TRUE(found->handle_verified);
    EXPECT_EQ(found->pds_url, "https://pds.example.com");
    EXPECT_EQ(found->warning, "");
  }
  EXPECT_FALSE(cached("did:plc:bob", 1h));
  EXPECT_FALSE(cached("bob.example.com", 1h));
  EXPECT_EQ(sql("SELECT status FROM accounts"), "resolved");
  EXPECT_EQ(sql("SELECT warning IS NULL FROM accounts"), "true");
}

TEST_F(IdentityCacheTest, EntriesOlderThanMaxAgeAreIgnored) {
  run_blocking(store_->save_identity(alice()));
  EXPECT_FALSE(cached("did:plc:alice", 0ms));
  execute(scratch_->url(), "UPDATE accounts SET resolved_at = now() - interval '2 hours'");
  EXPECT_FALSE(cached("did:plc:alice", 1h));
  EXPECT_FALSE(cached("alice.example.com", 1h));
  EXPECT_TRUE(cached("did:plc:alice", 3h));
  EXPECT_TRUE(cached("alice.example.com", 3h));
  // "Forever" must not overflow PostgreSQL's interval arithmetic.
  EXPECT_TRUE(cached("did:plc:alice", std::chrono::milliseconds::max()));
}

TEST_F(IdentityCacheTest, SavingAgainRefreshesAndOverwrites) {
  run_blocking(store_->save_identity(alice()));
  execute(scratch_->url(), "UPDATE accounts SET resolved_at = now() - interval '2 hours'");
  auto moved = alice();
  moved.pds_url = "https://other-pds.example.com";
  moved.handle_verified = false;
  moved.warning = "handle does not point back";
  run_blocking(store_->save_identity(moved));

  const auto found = cached("did:plc:alice", 1h);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->pds_url, "https://other-pds.example.com");
  EXPECT_FALSE(found->handle_verified);
  EXPECT_EQ(found->warning, "handle does not point back");
  EXPECT_EQ(sql("SELECT count(*) FROM accounts"), "1");
}

TEST_F(IdentityCacheTest, HandleFollowsTheMostRecentResolution) {
  run_blocking(store_->save_identity(alice()));
  execute(scratch_->url(), "UPDATE accounts SET resolved_at = now() - interval '1 minute'");
  auto successor = alice();
  successor.did = "did:plc:alice2";
  run_blocking(store_->save_identity(successor));
  EXPECT_EQ(cached("alice.example.com", 1h)->did, "did:plc:alice2");
}

TEST_F(IdentityCacheTest, IdentityWithoutHandleIsCachedByDid) {
  auto anonymous = alice();
  anonymous.handle.reset();
  run_blocking(store_->save_identity(anonymous));
  const auto found = cached("did:plc:alice", 1h);
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->handle);
}

TEST_F(IdentityCacheTest, AccountErrorsAreRecordedWithoutBecomingIdentities) {
  run_blocking(store_->record_account_error("did:plc:bob", "DID document has no PDS"));
  EXPECT_EQ(sql("SELECT last_error || ' ' || status FROM accounts WHERE did = 'did:plc:bob'"),
            "DID document has no PDS unresolved");
  EXPECT_FALSE(cached("did:plc:bob", 24h));

  run_blocking(store_->save_identity(alice()));
  run_blocking(store_->record_account_error("did:plc:alice", "Could not find repo"));
  EXPECT_EQ(sql("SELECT last_error || ' ' || status FROM accounts WHERE did = 'did:plc:alice'"),
            "Could not find repo resolved");
  EXPECT_TRUE(cached("did:plc:alice", 1h));

  run_blocking(store_->save_identity(alice()));
  EXPECT_EQ(sql("SELECT last_error IS NULL FROM accounts WHERE did = 'did:plc:alice'"), "true");
}

}  // namespace
}  // namespace atbackfill::store
