// What `atbackfill status` shows: progress per account and collection, read straight from the tables.
#include "store/status_query.hpp"

#include <pqxx/pqxx>

namespace atbackfill::store {
namespace {

std::optional<std::string> optional_text(const pqxx::field& field) {
  if (field.is_null()) {
    return std::nullopt;
  }
  return field.as<std::string>();
}

// Timestamps go through to_char so that the output does not depend on the session's DateStyle
// and TimeZone.
constexpr const char* accounts_sql = R"sql(
SELECT did, handle, handle_verified, pds_url, status,
       to_char(resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), last_error, warning
FROM accounts
ORDER BY handle NULLS LAST, did
)sql";

// The lateral count walks the primary key prefix (did, collection) of records.
constexpr const char* collections_sql = R"sql(
SELECT s.did, a.handle, s.collection, s.state, s.cursor, s.records_seen, s.records_rejected,
       s.pages_fetched, c.n, s.last_error,
       to_char(s.last_synced_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(s.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM sync_state s
LEFT JOIN accounts a ON a.did = s.did
CROSS JOIN LATERAL (SELECT count(*) AS n FROM records r
                    WHERE r.did = s.did AND r.collection = s.collection AND r.deleted_at IS NULL) c
ORDER BY a.handle NULLS LAST, s.did, s.collection
)sql";

constexpr const char* record_totals_sql =
    "SELECT count(*) FILTER (WHERE deleted_at IS NULL), count(*) FILTER (WHERE deleted_at IS NOT NULL) "
    "FROM records";

}  // namespace

StatusReport query_status(pqxx::connection_base& connection) {
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(connection);
  StatusReport report;

  for (const auto& row : tx.exec(accounts_sql)) {
    AccountStatus account;
    account.did = row[0].as<std::string>();
    account.handle = optional_text(row[1]);
    account.handle_verified = row[2].as<bool>();
    account.pds_url = optional_text(row[3]);
    account.status = row[4].as<std::string>();
    account.resolved_at = optional_text(row[5]);
    account.last_error = optional_text(row[6]);
    account.warning = optional_text(row[7]);
    report.accounts.push_back(std::move(account));
  }

  for (const auto& row : tx.exec(collections_sql)) {
    CollectionStatus status;
    status.did = row[0].as<std::string>();
    status.handle = optional_text(row[1]);
    status.collection = row[2].as<std::string>();
    status.state = row[3].as<std::string>();
    status.cursor = optional_text(row[4]);
    status.records_seen = row[5].as<std::int64_t>();
    status.records_rejected = row[6].as<std::int64_t>();
    status.pages_fetched = row[7].as<std::int64_t>();
    status.record_count = row[8].as<std::int64_t>();
    status.last_error = optional_text(row[9]);
    status.last_synced_at = optional_text(row[10]);
    status.updated_at = row[11].as<std::string>();

    auto& totals = report.totals;
    ++totals.collections;
    if (status.state == "pending") {
      ++totals.pending;
    } else if (status.state == "backfilling") {
      ++totals.backfilling;
    } else if (status.state == "synced") {
      ++totals.synced;
    } else if (status.state == "error") {
      ++totals.error;
    }
    report.collections.push_back(std::move(status));
  }

  const auto totals_row = tx.exec(record_totals_sql)[0];
  report.totals.records = totals_row[0].as<std::int64_t>();
  report.totals.records_deleted = totals_row[1].as<std::int64_t>();
  report.totals.accounts = static_cast<std::int64_t>(report.accounts.size());
  tx.commit();
  return report;
}

}  // namespace atbackfill::store
