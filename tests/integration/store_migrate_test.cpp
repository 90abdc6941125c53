// Integration tests of the schema migrator against a real PostgreSQL.
#include <gtest/gtest.h>
#include <pqxx/connection>

#include <latch>
#include <thread>

#include "store/embedded_migrations.hpp"
#include "store/migrate.hpp"
#include "store_helpers.hpp"

namespace atbackfill::store {
namespace {

using store_test::query_value;
using testing::ScratchDatabase;

std::string count_of(const std::string& url, const std::string& table) {
  return query_value(url, "SELECT count(*) FROM " + table).value_or("?");
}

bool table_exists(const std::string& url, const std::string& table) {
  return query_value(url, "SELECT to_regclass('" + table + "') IS NOT NULL") == "true";
}

class MigrateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = ScratchDatabase::create();
    if (!db_) {
      GTEST_SKIP() << "no test database";
    }
  }
  std::optional<ScratchDatabase> db_;
};

TEST_F(MigrateTest, EmbeddedMigrationsAreOrderedAndStartAtOne) {
  const auto& migrations = embedded_migrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations.front().version, 1);
  EXPECT_EQ(migrations.front().name, "init");
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    EXPECT_LT(migrations[i - 1].version, migrations[i].version);
  }
}

TEST_F(MigrateTest, FreshDatabaseGetsEveryMigration) {
  pqxx::connection connection(db_->url());
  EXPECT_EQ(schema_version(connection), 0);

  const auto applied = migrate(connection);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  ASSERT_EQ(applied->size(), embedded_migrations().size());
  EXPECT_EQ((*applied)[0].version, 1);
  EXPECT_EQ((*applied)[0].name, "init");

  EXPECT_EQ(schema_version(connection), embedded_migrations().back().version);
  EXPECT_EQ(count_of(db_->url(), "schema_migrations"), std::to_string(embedded_migrations().size()));
  for (const char* table : {"records", "accounts", "sync_state"}) {
    EXPECT_TRUE(table_exists(db_->url(), table)) << table;
  }
}

TEST_F(MigrateTest, SecondRunChangesNothing) {
  pqxx::connection connection(db_->url());
  ASSERT_TRUE(migrate(connection).ok());
  const auto before = query_value(db_->url(), "SELECT string_agg(version || '@' || applied_at, ',') FROM schema_migrations");

  const auto again = migrate(connection);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(query_value(db_->url(), "SELECT string_agg(version || '@' || applied_at, ',') FROM schema_migrations"),
            before);
}

TEST_F(MigrateTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  // Several rounds on fresh databases: each is a chance for an unserialised pair to collide.
  for (int round = 0; round < 3; ++round) {
    auto fresh = ScratchDatabase::create();
    ASSERT_TRUE(fresh);
    pqxx::connection first(fresh->url());
    pqxx::connection second(fresh->url());
    std::latch start(2);
    std::size_t applied[2] = {0, 0};
    std::string failures[2];
    auto migrator = [&](int index, pqxx::connection& connection) {
      start.arrive_and_wait();
      try {
        auto result = migrate(connection);
        if (result.ok()) {
          applied[index] = result->size();
        } else {
          failures[index] = result.error().message;
        }
      } catch (const std::exception& e) {
        failures[index] = e.what();
      }
    };
    std::thread one(migrator, 0, std::ref(first));
    std::thread two(migrator, 1, std::ref(second));
    one.join();
    two.join();
    EXPECT_EQ(failures[0], "") << "round " << round;
    EXPECT_EQ(failures[1], "") << "round " << round;
    EXPECT_EQ(applied[0] + applied[1], embedded_migrations().size()) << "round " << round;
    EXPECT_EQ(count_of(fresh->url(), "schema_migrations"), std::to_string(embedded_migrations().size()));
  }
}

TEST_F(MigrateTest, NewerSchemaIsRefusedWithoutChanges) {
  pqxx::connection connection(db_->url());
  ASSERT_TRUE(migrate(connection).ok());
  store_test::execute(db_->url(), "INSERT INTO schema_migrations (version, name) VALUES (9999, 'future')");

  const auto result = migrate(connection);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("9999"), std::string::npos) << result.error().message;
  EXPECT_FALSE(result.error().retryable);
  EXPECT_EQ(schema_version(connection), 9999);
}

TEST_F(MigrateTest, FailingMigrationKeepsEarlierOnesAndRollsBackItself) {
  const std::vector<Migration> migrations = {
      {2, "second", "CREATE TABLE second_table (id int); SELECT 1 / 0;"},
      {1, "first", "CREATE TABLE first_table (id int);"},
  };
  pqxx::connection connection(db_->url());
  EXPECT_THROW((void)migrate(connection, migrations), pqxx::sql_error);
  EXPECT_EQ(schema_version(connection), 1);
  EXPECT_TRUE(table_exists(db_->url(), "first_table"));
  EXPECT_FALSE(table_exists(db_->url(), "second_table"));

  // The lock was released: a corrected list finishes the job.
  const std::vector<Migration> fixed = {migrations[1], {2, "second", "CREATE TABLE second_table (id int);"}};
  const auto result = migrate(connection, fixed);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ((*result)[0].version, 2);
  EXPECT_TRUE(table_exists(db_->url(), "second_table"));
}

TEST_F(MigrateTest, LockIsReleasedForOtherSessions) {
  pqxx::connection connection(db_->url());
  ASSERT_TRUE(migrate(connection).ok());
  // Another session can take the lock at once: migrate() did not leave it held.
  pqxx::connection other(db_->url());
  pqxx::nontransaction tx(other);
  EXPECT_TRUE(tx.exec("SELECT pg_try_advisory_lock(x'6174626b666d6967'::bigint)")[0][0].as<bool>());
}

}  // namespace
}  // namespace atbackfill::store
