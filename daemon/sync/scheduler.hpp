// The top of the sync engine: every configured account, backfilled and then polled.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "config/settings.hpp"
#include "sync/account_sync.hpp"
#include "sync/sync_context.hpp"

namespace atbackfill::sync {

class Scheduler {
 public:
  Scheduler(SyncContext context, std::vector<config::Account> accounts);

  // With options.once: one pass over every account, then 0 when all succeeded, 1 otherwise.
  // Without: passes forever, each account every poll_interval, and every rescan_interval a
  // pass that re-lists everything from the start; ends only by cancellation.
  boost::asio::awaitable<int> run();

 private:
  boost::asio::awaitable<bool> account_loop(const config::Account& account);

  SyncContext context_;
  std::vector<config::Account> accounts_;
  ActiveCollections active_;
};

}  // namespace atbackfill::sync
