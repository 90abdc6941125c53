#include "sync/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "store/database.hpp"
#include "sync/async_util.hpp"

namespace atbackfill::sync {

Scheduler::Scheduler(SyncContext context, std::vector<config::Account> accounts)
    : context_(std::move(context)), accounts_(std::move(accounts)) {}

boost::asio::awaitable<bool> Scheduler::account_loop(const config::Account& account) {
  auto last_full_listing = std::chrono::steady_clock::now();
  for (;;) {
    bool ok = false;
    const bool rescan = std::chrono::steady_clock::now() - last_full_listing >= context_.options.rescan_interval;
    if (rescan) {
      last_full_listing = std::chrono::steady_clock::now();
      spdlog::info("rescan started account={}", account.label());
    }
    try {
      ok = co_await run_account_pass(context_, active_, account, rescan);
    } catch (const store::Stopped&) {
      throw;  // shutdown: the database lane no longer takes work
    } catch (const boost::system::system_error& e) {
      if (e.code() == boost::asio::error::operation_aborted) throw;  // shutdown
      spdlog::error("account pass crashed account={} error=\"{}\"", account.label(), e.what());
    } catch (const std::exception& e) {
      // A bug or infrastructure failure in one account must not stop the others.
      spdlog::error("account pass crashed account={} error=\"{}\"", account.label(), e.what());
    }
    if (context_.options.once) co_return ok;
    // A failing account is tried again sooner than a healthy one is polled, but never in a
    // tight loop: the retry policy's cap bounds it from above.
    const auto wait = ok ? context_.options.poll_interval
                         : std::min(context_.options.poll_interval, context_.options.retry.max_delay);
    co_await sleep_for(wait);
  }
}

boost::asio::awaitable<int> Scheduler::run() {
  spdlog::info("sync started accounts={} mode={}", accounts_.size(), context_.options.once ? "once" : "continuous");
  std::vector<boost::asio::awaitable<bool>> loops;
  for (const auto& account : accounts_) loops.push_back(account_loop(account));
  const auto results = co_await run_all(std::move(loops));
  const auto failed = std::count(results.begin(), results.end(), false);
  spdlog::info("sync finished accounts={} failed={}", results.size(), failed);
  co_return failed == 0 ? 0 : 1;
}

}  // namespace atbackfill::sync
