// Applies the embedded SQL migrations that a database has not seen yet.
#include "store/migrate.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace atbackfill::store {
namespace {

// Any fixed number works as long as nothing else in the database uses it: "atbkfmig".
constexpr long long migration_lock_key = 0x6174626b666d6967LL;

// Holds the session-level advisory lock; released on every path out of migrate(). If the
// connection died, the server released it already and the unlock is skipped.
class MigrationLock {
 public:
  explicit MigrationLock(pqxx::connection_base& connection) : connection_(connection) {
    pqxx::nontransaction tx(connection_);
    tx.exec_params("SELECT pg_advisory_lock($1)", migration_lock_key);
  }
  ~MigrationLock() {
    try {
      if (connection_.is_open()) {
        pqxx::nontransaction tx(connection_);
        tx.exec_params("SELECT pg_advisory_unlock($1)", migration_lock_key);
      }
    } catch (const std::exception& e) {
      spdlog::warn("db migration_unlock_failed error=\"{}\"", e.what());
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  pqxx::connection_base& connection_;
};

int max_applied_version(pqxx::transaction_base& tx) {
  return tx.exec("SELECT coalesce(max(version), 0) FROM schema_migrations")[0][0].as<int>();
}

}  // namespace

int schema_version(pqxx::connection_base& connection) {
  pqxx::read_transaction tx(connection);
  if (tx.exec("SELECT to_regclass('schema_migrations') IS NULL")[0][0].as<bool>()) {
    return 0;
  }
  return max_applied_version(tx);
}

Expected<std::vector<AppliedMigration>> migrate(pqxx::connection_base& connection,
                                                const std::vector<Migration>& migrations) {
  MigrationLock lock(connection);
  {
    pqxx::work tx(connection);
    // Created here rather than by a migration: it must exist to know which migrations ran.
    tx.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version    integer     PRIMARY KEY,"
        " name       text        NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }

  int current = 0;
  {
    pqxx::read_transaction tx(connection);
    current = max_applied_version(tx);
  }
  int newest_known = 0;
  for (const auto& migration : migrations) {
    newest_known = std::max(newest_known, migration.version);
  }
  if (current > newest_known) {
    return permanent_error("database schema version " + std::to_string(current) +
                           " is newer than this atbackfill knows (" + std::to_string(newest_known) +
                           "); upgrade atbackfill before running it against this database");
  }

  std::vector<const Migration*> pending;
  for (const auto& migration : migrations) {
    if (migration.version > current) {
      pending.push_back(&migration);
    }
  }
  std::sort(pending.begin(), pending.end(), [](const Migration* a, const Migration* b) { return a->version < b->version; });

  std::vector<AppliedMigration> applied;
  for (const Migration* entry : pending) {
    const Migration& migration = *entry;
    pqxx::work tx(connection);
    tx.exec(migration.sql);
    tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", migration.version,
                   migration.name);
    tx.commit();
    spdlog::info("db migration_applied version={} name={}", migration.version, migration.name);
    applied.push_back(AppliedMigration{migration.version, migration.name});
  }
  if (applied.empty()) {
    spdlog::debug("db schema_current version={}", current);
  }
  return applied;
}

}  // namespace atbackfill::store
