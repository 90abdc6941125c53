// SyncStore over PostgreSQL, running every statement on the DB lane.
#pragma once

#include "store/database.hpp"
#include "store/sync_store.hpp"

namespace atbackfill::store {

// Expects a migrated schema (see migrate.hpp). Every operation is one idempotent transaction,
// so the lane may retry it after losing the connection.
class PgSyncStore final : public SyncStore {
 public:
  explicit PgSyncStore(Database& database) : database_(database) {}

  boost::asio::awaitable<CollectionState> load_collection(std::string did, std::string collection) override;
  // Records whose cid is unchanged (and that are not marked deleted) are left untouched, so
  // re-listing a collection does not move updated_at. Repeated rkeys: the last one wins.
  // Records PostgreSQL refuses (SQLSTATE class 22) are left out and counted as rejected; the
  // rest of the page still commits with its cursor.
  boost::asio::awaitable<std::int64_t> commit_page(PageCommit page) override;
  boost::asio::awaitable<void> record_collection_error(std::string did, std::string collection,
                                                       std::string message) override;

  boost::asio::awaitable<std::optional<identity::Identity>> cached_identity(
      std::string handle_or_did, std::chrono::milliseconds max_age) override;
  boost::asio::awaitable<void> save_identity(identity::Identity identity) override;
  boost::asio::awaitable<void> record_account_error(std::string did, std::string message) override;

 private:
  boost::asio::awaitable<std::int64_t> commit_page_record_by_record(PageCommit page);

  Database& database_;
};

}  // namespace atbackfill::store
