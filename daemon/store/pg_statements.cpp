// The SQL of PgSyncStore, prepared once per connection.
#include "store/pg_statements.hpp"

namespace atbackfill::store::statements {
namespace {

// $1 did, $2 collection, $3 the page as a JSON array (see page_json.hpp). One statement per
// page keeps the round trips at one whatever the page size. Unchanged records (same cid, not
// deleted) are skipped so that updated_at only moves when content does.
constexpr const char* upsert_records_sql = R"sql(
INSERT INTO records AS r (did, collection, rkey, uri, cid, value, created_at)
SELECT $1, $2, e->>'rkey', e->>'uri', e->>'cid', e->'value', (e->>'created_at')::timestamptz
FROM jsonb_array_elements($3::jsonb) AS e
ON CONFLICT (did, collection, rkey) DO UPDATE
SET uri = excluded.uri, cid = excluded.cid, value = excluded.value, created_at = excluded.created_at,
    updated_at = now(), deleted_at = NULL
WHERE r.cid IS DISTINCT FROM excluded.cid OR r.deleted_at IS NOT NULL
)sql";

// $1 did, $2 collection, $3 cursor or NULL, $4 cursor given (NULL cursor keeps the stored one),
// $5 pass complete, $6 records on the page, $7 rejected records on the page.
// A pass starts on the first page after anything but 'backfilling'.
constexpr const char* advance_state_sql = R"sql(
INSERT INTO sync_state AS s (did, collection, cursor, state, records_seen, records_rejected, pages_fetched,
                             last_error, pass_started_at, last_synced_at, updated_at)
VALUES ($1, $2, $3, CASE WHEN $5::boolean THEN 'synced' ELSE 'backfilling' END, $6::bigint, $7::bigint, 1,
        NULL, now(), CASE WHEN $5::boolean THEN now() END, now())
ON CONFLICT (did, collection) DO UPDATE
SET cursor = CASE WHEN $4::boolean THEN excluded.cursor ELSE s.cursor END,
    state = excluded.state,
    records_seen = s.records_seen + excluded.records_seen,
    records_rejected = s.records_rejected + excluded.records_rejected,
    pages_fetched = s.pages_fetched + 1,
    last_error = NULL,
    pass_started_at = CASE WHEN s.state = 'backfilling' THEN s.pass_started_at ELSE now() END,
    last_synced_at = coalesce(excluded.last_synced_at, s.last_synced_at),
    updated_at = now()
)sql";

constexpr const char* load_state_sql =
    "SELECT cursor, state, records_seen FROM sync_state WHERE did = $1 AND collection = $2";

constexpr const char* collection_error_sql = R"sql(
INSERT INTO sync_state AS s (did, collection, state, last_error, updated_at)
VALUES ($1, $2, 'error', $3, now())
ON CONFLICT (did, collection) DO UPDATE
SET state = 'error', last_error = excluded.last_error, updated_at = now()
)sql";

// $2 is the maximum age in milliseconds. Rows without a PDS carry only an error, not an identity.
constexpr const char* identity_by_did_sql = R"sql(
SELECT did, handle, handle_verified, pds_url, coalesce(warning, '') FROM accounts
WHERE did = $1 AND pds_url IS NOT NULL AND resolved_at > now() - $2::bigint * interval '1 millisecond'
)sql";

// A handle can move to another DID; the most recent resolution is the one that counts.
constexpr const char* identity_by_handle_sql = R"sql(
SELECT did, handle, handle_verified, pds_url, coalesce(warning, '') FROM accounts
WHERE lower(handle) = lower($1) AND pds_url IS NOT NULL
  AND resolved_at > now() - $2::bigint * interval '1 millisecond'
ORDER BY resolved_at DESC
LIMIT 1
)sql";

constexpr const char* save_identity_sql = R"sql(
INSERT INTO accounts AS a (did, handle, handle_verified, pds_url, status, resolved_at, last_error, warning, updated_at)
VALUES ($1, $2, $3::boolean, $4, 'resolved', now(), NULL, nullif($5, ''), now())
ON CONFLICT (did) DO UPDATE
SET handle = excluded.handle, handle_verified = excluded.handle_verified, pds_url = excluded.pds_url,
    status = 'resolved', resolved_at = now(), last_error = NULL, warning = excluded.warning, updated_at = now()
)sql";

// Leaves status and the cached identity alone: an error does not make a resolution stale.
constexpr const char* account_error_sql = R"sql(
INSERT INTO accounts AS a (did, last_error, updated_at) VALUES ($1, $2, now())
ON CONFLICT (did) DO UPDATE SET last_error = excluded.last_error, updated_at = now()
)sql";

}  // namespace

void prepare_all(pqxx::connection_base& connection) {
  connection.prepare(upsert_records, upsert_records_sql);
  connection.prepare(advance_state, advance_state_sql);
  connection.prepare(load_state, load_state_sql);
  connection.prepare(collection_error, collection_error_sql);
  connection.prepare(identity_by_did, identity_by_did_sql);
  connection.prepare(identity_by_handle, identity_by_handle_sql);
  connection.prepare(save_identity, save_identity_sql);
  connection.prepare(account_error, account_error_sql);
}

}  // namespace atbackfill::store::statements
