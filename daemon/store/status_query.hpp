// What `atbackfill status` shows: progress per account and collection, read straight from the tables.
#pragma once

#include <pqxx/connection>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace atbackfill::store {

// Timestamps are UTC in ISO 8601 form ("2024-05-01T12:00:00Z"), ready to print or to put in JSON.
struct CollectionStatus {
  std::string did;
  std::optional<std::string> handle;
  std::string collection;
  std::string state;  // "pending", "backfilling", "synced", "error"
  std::optional<std::string> cursor;
  std::int64_t records_seen = 0;
  std::int64_t records_rejected = 0;
  std::int64_t pages_fetched = 0;
  std::int64_t record_count = 0;  // stored records not marked deleted
  std::optional<std::string> last_error;
  std::optional<std::string> last_synced_at;
  std::string updated_at;
};

struct AccountStatus {
  std::string did;
  std::optional<std::string> handle;
  bool handle_verified = false;
  std::optional<std::string> pds_url;
  std::string status;
  std::optional<std::string> resolved_at;
  std::optional<std::string> last_error;
  std::optional<std::string> warning;
};

struct StatusTotals {
  std::int64_t accounts = 0;
  std::int64_t collections = 0;
  std::int64_t pending = 0;
  std::int64_t backfilling = 0;
  std::int64_t synced = 0;
  std::int64_t error = 0;
  std::int64_t records = 0;          // stored records not marked deleted, all collections
  std::int64_t records_deleted = 0;  // rows kept with deleted_at set
};

struct StatusReport {
  std::vector<AccountStatus> accounts;        // ordered by handle, then DID
  std::vector<CollectionStatus> collections;  // ordered by handle, DID, collection
  StatusTotals totals;
};

// One read-only snapshot (a single repeatable-read transaction, so totals agree with rows).
// Counting records scans them: fine for the status command, not for a hot path.
StatusReport query_status(pqxx::connection_base& connection);

}  // namespace atbackfill::store
