#include "sync/account_sync.hpp"

#include <spdlog/spdlog.h>

#include "atproto/list_records.hpp"
#include "net/url.hpp"
#include "status/metrics.hpp"
#include "sync/async_util.hpp"
#include "sync/collection_pass.hpp"
#include "sync/collection_selection.hpp"
#include "sync/xrpc_fetch.hpp"

namespace atbackfill::sync {
namespace {

boost::asio::awaitable<Expected<std::vector<std::string>>> described_collections(SyncContext& context,
                                                                                 const identity::Identity& identity) {
  const auto url = identity.pds_url + "/xrpc/com.atproto.repo.describeRepo?repo=" + net::url_encode(identity.did);
  auto response = co_await with_retries(context.options.retry, "describeRepo " + identity.did,
                                        [&] { return xrpc_get(context.http, url); });
  if (!response) co_return response.error();
  auto description = atproto::decode_describe_repo(response->body);
  if (!description) co_return description.error();
  co_return std::move(description->collections);
}

enum class JobOutcome { ok, failed, repo_missing };

// Far above any real account (Bluesky accounts use a handful of collections).
constexpr std::size_t max_collections_per_account = 1000;

// Runs one collection's pass unless the same (did, collection) is already being paged.
boost::asio::awaitable<JobOutcome> collection_job(SyncContext& context, ActiveCollections& active,
                                                  identity::Identity identity, std::string collection,
                                                  bool rescan) {
  const auto key = std::make_pair(identity.did, collection);
  if (!active.insert(key).second) {
    spdlog::info("collection already in progress did={} collection={}", identity.did, collection);
    co_return JobOutcome::ok;
  }
  struct Release {
    ActiveCollections& active;
    std::pair<std::string, std::string> key;
    ~Release() { active.erase(key); }
  } release{active, key};

  auto* metrics = context.metrics;
  const status::GaugeRaise in_progress(metrics ? &metrics->collections_in_progress : nullptr);
  auto result = co_await run_collection_pass(context, identity.did, identity.pds_url, collection, rescan);
  if (metrics) ++(result ? metrics->collection_passes_ok_total : metrics->collection_passes_error_total);
  if (!result) {
    spdlog::error("collection pass failed did={} collection={} error=\"{}\"", identity.did, collection,
                  result.error().message);
    co_return result.error().code == "RepoNotFound" ? JobOutcome::repo_missing : JobOutcome::failed;
  }
  spdlog::info("collection pass complete did={} collection={} pages={} records={} rejected={}", identity.did,
               collection, result->pages, result->records, result->rejected);
  co_return JobOutcome::ok;
}

}  // namespace

boost::asio::awaitable<Expected<identity::Identity>> account_identity(SyncContext& context,
                                                                      const config::Account& account, bool refresh) {
  const std::string key = account.label();
  if (!refresh) {
    if (auto cached = co_await context.store.cached_identity(key, context.options.identity_ttl)) co_return *cached;
  }
  auto resolved = co_await with_retries(context.options.retry, "resolve " + key,
                                        [&] { return context.resolver.resolve(key); });
  if (auto* metrics = context.metrics) ++(resolved ? metrics->accounts_resolved_total : metrics->identity_errors_total);
  if (!resolved) {
    if (account.did) co_await context.store.record_account_error(*account.did, resolved.error().message);
    co_return resolved.error();
  }
  if (!resolved->warning.empty()) spdlog::warn("identity warning account={} warning=\"{}\"", key, resolved->warning);
  spdlog::info("identity resolved account={} did={} handle={} verified={} pds={}", key, resolved->did,
               resolved->handle.value_or("-"), resolved->handle_verified, resolved->pds_url);
  co_await context.store.save_identity(*resolved);
  co_return resolved;
}

boost::asio::awaitable<bool> run_account_pass(SyncContext& context, ActiveCollections& active,
                                              const config::Account& account, bool rescan) {
  bool refreshed = false;
  auto identity = co_await account_identity(context, account, false);
  for (;;) {
    if (!identity) {
      spdlog::error("account unresolved account={} error=\"{}\"", account.label(), identity.error().message);
      co_return false;
    }

    bool described_ok = true;
    bool repo_missing = false;
    std::vector<std::string> described;
    if (needs_repo_description(account.collections)) {
      auto listed = co_await described_collections(context, *identity);
      if (listed) {
        described = std::move(*listed);
      } else {
        // Exact NSIDs can still be fetched; the wildcards wait for the next pass.
        described_ok = false;
        repo_missing = listed.error().code == "RepoNotFound";
        spdlog::error("describeRepo failed did={} error=\"{}\"", identity->did, listed.error().message);
        co_await context.store.record_account_error(identity->did, "describeRepo: " + listed.error().message);
      }
    }

    auto collections = select_collections(account.collections, described);
    if (collections.size() > max_collections_per_account) {
      // A hostile or broken host could list any number of collections under a wildcard.
      spdlog::error("too many collections did={} selected={} limit={}: the rest are skipped", identity->did,
                    collections.size(), max_collections_per_account);
      collections.resize(max_collections_per_account);
    }
    std::vector<boost::asio::awaitable<JobOutcome>> jobs;
    for (const auto& collection : collections)
      jobs.push_back(collection_job(context, active, *identity, collection, rescan));
    const auto outcomes = co_await run_all(std::move(jobs));
    const bool all_ok = std::all_of(outcomes.begin(), outcomes.end(), [](auto o) { return o == JobOutcome::ok; });
    repo_missing = repo_missing || std::any_of(outcomes.begin(), outcomes.end(),
                                               [](auto o) { return o == JobOutcome::repo_missing; });
    if (!repo_missing || refreshed) co_return described_ok && all_ok;

    // The host says it does not know the repo: the account may have moved. Ask again.
    refreshed = true;
    const auto previous_pds = identity->pds_url;
    auto current = co_await account_identity(context, account, true);
    if (!current || current->pds_url == previous_pds) co_return false;
    spdlog::warn("account moved account={} did={} from={} to={}", account.label(), current->did, previous_pds,
                 current->pds_url);
    identity = std::move(current);
  }
}

}  // namespace atbackfill::sync
