// SyncStore over PostgreSQL, running every statement on the DB lane.
#include "store/pg_sync_store.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <algorithm>

#include "store/page_json.hpp"
#include "store/pg_statements.hpp"
#include "util/log.hpp"

namespace atbackfill::store {
namespace {

namespace asio = boost::asio;

const char* nullable(const std::optional<std::string>& text) { return text ? text->c_str() : nullptr; }

// A larger age would overflow PostgreSQL's interval arithmetic; 100 years is "forever" here.
long long clamp_age_ms(std::chrono::milliseconds max_age) {
  constexpr long long century_ms = 100LL * 366 * 24 * 3600 * 1000;
  return std::clamp<long long>(max_age.count(), 0, century_ms);
}

}  // namespace

asio::awaitable<CollectionState> PgSyncStore::load_collection(std::string did, std::string collection) {
  co_return co_await database_.run([&](pqxx::connection& connection) {
    statements::prepare_all(connection);
    pqxx::read_transaction tx(connection);
    const pqxx::result rows = tx.exec_prepared(statements::load_state, did, collection);
    CollectionState state{std::nullopt, "pending", 0};
    if (!rows.empty()) {
      const auto row = rows[0];
      if (!row[0].is_null()) {
        state.cursor = row[0].as<std::string>();
      }
      state.state = row[1].as<std::string>();
      state.records_seen = row[2].as<std::int64_t>();
    }
    return state;
  });
}

asio::awaitable<std::int64_t> PgSyncStore::commit_page(PageCommit page) {
  // Built on the caller's thread once, not on every retry.
  const std::string records_json = page.records.empty() ? std::string() : page_records_json(page.records);
  const auto seen = static_cast<std::int64_t>(page.records.empty() ? 0 : distinct_rkeys(page.records));
  const bool stored = co_await database_.run([&](pqxx::connection& connection) {
    statements::prepare_all(connection);
    pqxx::work tx(connection);
    if (!records_json.empty()) {
      try {
        tx.exec_prepared(statements::upsert_records, page.did, page.collection, records_json);
      } catch (const pqxx::data_exception&) {
        return false;  // some record's data is refused: store the page record by record instead
      }
    }
    tx.exec_prepared(statements::advance_state, page.did, page.collection, nullable(page.cursor),
                     page.cursor.has_value(), page.pass_complete, seen, page.rejected);
    tx.commit();
    return true;
  });
  if (stored) co_return 0;
  co_return co_await commit_page_record_by_record(std::move(page));
}

// PostgreSQL refused part of a page (a number beyond numeric's range, a string jsonb cannot
// hold, ...). Each record gets its own savepoint; the refused ones are logged and counted as
// rejected, and the rest is committed together with the cursor in one transaction, so one
// bad record neither loses the other records nor stalls the collection.
asio::awaitable<std::int64_t> PgSyncStore::commit_page_record_by_record(PageCommit page) {
  std::vector<std::string> record_json;
  record_json.reserve(page.records.size());
  for (const auto& record : page.records) record_json.push_back(page_records_json({record}));
  co_return co_await database_.run([&](pqxx::connection& connection) {
    statements::prepare_all(connection);
    pqxx::work tx(connection);
    std::int64_t stored = 0;
    std::int64_t refused = 0;
    for (std::size_t i = 0; i < page.records.size(); ++i) {
      // Plain SQL savepoints: libpqxx 6.4's subtransaction does not recover the transaction
      // after a failed statement.
      tx.exec0("SAVEPOINT record");
      try {
        tx.exec_prepared(statements::upsert_records, page.did, page.collection, record_json[i]);
        tx.exec0("RELEASE SAVEPOINT record");
        ++stored;
      } catch (const pqxx::data_exception& e) {
        tx.exec0("ROLLBACK TO SAVEPOINT record");
        ++refused;
        spdlog::warn("record refused by database did={} collection={} rkey={} error=\"{}\"", page.did,
                     page.collection, page.records[i].rkey, util::one_line(e.what()));
      }
    }
    tx.exec_prepared(statements::advance_state, page.did, page.collection, nullable(page.cursor),
                     page.cursor.has_value(), page.pass_complete, stored, page.rejected + refused);
    tx.commit();
    return refused;
  });
}

asio::awaitable<void> PgSyncStore::record_collection_error(std::string did, std::string collection,
                                                           std::string message) {
  co_await database_.run([&](pqxx::connection& connection) {
    statements::prepare_all(connection);
    pqxx::work tx(connection);
    tx.exec_prepared(statements::collection_error, did, collection, message);
    tx.commit();
  });
}

asio::awaitable<std::optional<identity::Identity>> PgSyncStore::cached_identity(std::string handle_or_did,
                                                                                std::chrono::milliseconds max_age) {
  const bool by_did = handle_or_did.starts_with("did:");
  const long long age_ms = clamp_age_ms(max_age);
  co_return co_await database_.run([&](pqxx::connection& connection) -> std::optional<identity::Identity> {
    statements::prepare_all(connection);
    pqxx::read_transaction tx(connection);
    const pqxx::result rows = tx.exec_prepared(by_did ? statements::identity_by_did : statements::identity_by_handle,
                                               handle_or_did, age_ms);
    if (rows.empty()) {
      return std::nullopt;
    }
    const auto row = rows[0];
    identity::Identity found;
    found.did = row[0].as<std::string>();
    if (!row[1].is_null()) {
      found.handle = row[1].as<std::string>();
    }
    found.handle_verified = row[2].as<bool>();
    found.pds_url = row[3].as<std::string>();
    found.warning = row[4].as<std::string>();
    return found;
  });
}

asio::awaitable<void> PgSyncStore::save_identity(identity::Identity identity) {
  co_await database_.run([&](pqxx::connection& connection) {
    statements::prepare_all(connection);
    pqxx::work tx(connection);
    tx.exec_prepared(statements::save_identity, identity.did, nullable(identity.handle), identity.handle_verified,
                     identity.pds_url, identity.warning);
    tx.commit();
  });
}

asio::awaitable<void> PgSyncStore::record_account_error(std::string did, std::string message) {
  co_await database_.run([&](pqxx::connection& connection) {
    statements::prepare_all(connection);
    pqxx::work tx(connection);
    tx.exec_prepared(statements::account_error, did, message);
    tx.commit();
  });
}

}  // namespace atbackfill::store
