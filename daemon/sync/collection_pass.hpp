// One pass over one (account, collection): listRecords pages from the stored cursor until
// the end, each page committed with its cursor.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

#include "sync/sync_context.hpp"
#include "util/expected.hpp"

namespace atbackfill::sync {

struct PassSummary {
  std::int64_t pages = 0;
  std::int64_t records = 0;
  std::int64_t rejected = 0;
};

// The listRecords URL for one page (reverse=true: oldest first, so the cursor is a
// high-water mark that later polls continue from).
std::string list_records_url(const std::string& pds_url, const std::string& did, const std::string& collection,
                             int limit, const std::optional<std::string>& cursor);

// Runs the pass from the stored cursor, or from the start when `from_start` (a rescan: it
// re-lists everything, so edits are caught; the cursor moves back and climbs again as pages
// commit, which is safe because upserts are idempotent). An Error (after retries) is also
// recorded on the collection in the store.
boost::asio::awaitable<Expected<PassSummary>> run_collection_pass(SyncContext& context, std::string did,
                                                                   std::string pds_url, std::string collection,
                                                                   bool from_start = false);

}  // namespace atbackfill::sync
