#include "sync/collection_pass.hpp"

#include <spdlog/spdlog.h>

#include <unordered_set>

#include <algorithm>

#include "atproto/list_records.hpp"
#include "net/url.hpp"
#include "status/metrics.hpp"
#include "sync/async_util.hpp"
#include "sync/xrpc_fetch.hpp"

namespace atbackfill::sync {
namespace {

// Fetches and decodes one page; a body that does not decode counts as a retryable failure
// (proxies and truncating middleboxes produce those), so it goes through the same retries.
boost::asio::awaitable<Expected<atproto::ListRecordsPage>> fetch_page(SyncContext& context, const std::string& url,
                                                                      const std::string& did,
                                                                      const std::string& collection) {
  auto response = co_await xrpc_get(context.http, url);
  if (!response) co_return response.error();
  auto page = atproto::decode_list_records(response->body, did, collection);
  if (!page) co_return Error{"undecodable listRecords page: " + page.error().message, true};
  co_return page;
}

}  // namespace

std::string list_records_url(const std::string& pds_url, const std::string& did, const std::string& collection,
                             int limit, const std::optional<std::string>& cursor) {
  std::string url = pds_url + "/xrpc/com.atproto.repo.listRecords?repo=" + net::url_encode(did) +
                    "&collection=" + net::url_encode(collection) + "&limit=" + std::to_string(limit) + "&reverse=true";
  if (cursor) url += "&cursor=" + net::url_encode(*cursor);
  return url;
}

boost::asio::awaitable<Expected<PassSummary>> run_collection_pass(SyncContext& context, std::string did,
                                                                   std::string pds_url, std::string collection,
                                                                   bool from_start) {
  const auto state = co_await context.store.load_collection(did, collection);
  std::optional<std::string> cursor = from_start ? std::nullopt : state.cursor;
  // Every cursor of this pass: a server that hands out one again (a -> b -> a) would otherwise
  // keep the pass going forever.
  std::unordered_set<std::string> cursors_seen;
  if (cursor) cursors_seen.insert(*cursor);
  PassSummary summary;
  for (;;) {
    const auto url = list_records_url(pds_url, did, collection, context.options.page_size, cursor);
    auto page = co_await with_retries(context.options.retry, "listRecords " + did + " " + collection,
                                      [&] { return fetch_page(context, url, did, collection); });
    if (!page) {
      co_await context.store.record_collection_error(did, collection, page.error().message);
      co_return page.error();
    }
    for (const auto& rejected : page->rejected)
      spdlog::warn("record rejected did={} collection={} uri=\"{}\" reason=\"{}\"", did, collection, rejected.uri,
                   rejected.reason);
    for (const auto& record : page->records)
      if (record.repaired)
        spdlog::warn("record repaired did={} collection={} rkey={} reason=\"characters jsonb cannot store were "
                     "replaced by U+FFFD\"",
                     did, collection, record.rkey);

    const auto verdict = atproto::next_page_verdict(*page, cursor);
    const bool cursor_repeats =
        verdict == atproto::PageVerdict::next_page && page->cursor && !cursors_seen.insert(*page->cursor).second;
    if (verdict == atproto::PageVerdict::cursor_stuck || cursor_repeats) {
      const std::string message = "server returned the cursor \"" + page->cursor.value_or("") +
                                  "\" a second time in one pass; stopping this pass";
      co_await context.store.record_collection_error(did, collection, message);
      co_return permanent_error(message);
    }
    const bool done = verdict == atproto::PageVerdict::done;
    summary.pages += 1;
    summary.records += static_cast<std::int64_t>(page->records.size());
    summary.rejected += static_cast<std::int64_t>(page->rejected.size());
    const auto next_cursor = page->cursor;
    const auto page_records = page->records.size();
    const auto page_repaired = std::count_if(page->records.begin(), page->records.end(),
                                             [](const atproto::Record& record) { return record.repaired; });
    // Built as a named local: GCC 12 destroys braced temporaries inside co_await twice.
    store::PageCommit commit{did, collection, next_cursor, std::move(page->records),
                             static_cast<std::int64_t>(page->rejected.size()), done};
    const auto refused = static_cast<std::size_t>(co_await context.store.commit_page(std::move(commit)));
    summary.records -= static_cast<std::int64_t>(refused);
    summary.rejected += static_cast<std::int64_t>(refused);
    if (auto* metrics = context.metrics) {
      metrics->pages_committed_total += 1;
      metrics->records_stored_total += page_records - refused;
      metrics->records_rejected_total += page->rejected.size() + refused;
      metrics->records_repaired_total += static_cast<std::uint64_t>(page_repaired);
    }
    spdlog::debug("page committed did={} collection={} records={} cursor={}", did, collection, page_records,
                  next_cursor.value_or("-"));
    if (done) co_return summary;
    cursor = next_cursor;
  }
}

}  // namespace atbackfill::sync
