// `atbackfill run`: migrate, signal readiness, sync until done (--once) or stopped.
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>

#include "app/commands.hpp"
#include "app/services.hpp"
#include "app/systemd_notify.hpp"
#include "status/metrics.hpp"
#include "status/prometheus.hpp"
#include "status/status_server.hpp"
#include "store/migrate.hpp"
#include "store/pg_sync_store.hpp"
#include "sync/scheduler.hpp"

namespace atbackfill::app {
namespace {

// How long in-flight work may take to wind down after SIGTERM before the process exits anyway.
constexpr auto shutdown_grace = std::chrono::seconds(10);

boost::asio::awaitable<int> migrate_then_sync(store::Database& database, sync::Scheduler& scheduler,
                                              std::size_t accounts, bool& migrated) {
  auto applied = co_await database.run([](pqxx::connection& connection) { return store::migrate(connection); });
  if (!applied) {
    spdlog::critical("migration failed error=\"{}\"", applied.error().message);
    co_return exit_unavailable;
  }
  migrated = true;
  notify_ready("syncing " + std::to_string(accounts) + " accounts");
  co_return co_await scheduler.run();
}

// Starts the status server when `status.listen` is set. A server that cannot listen (e.g. the
// port is taken) is logged and left out: syncing matters more than observing it.
std::unique_ptr<status::StatusServer> start_status_server(boost::asio::any_io_executor executor,
                                                          const std::string& listen, status::StatusHandlers handlers) {
  if (listen.empty()) return nullptr;
  auto server = std::make_unique<status::StatusServer>(std::move(executor), std::move(handlers));
  if (auto started = server->start(listen); !started) {
    spdlog::error("status server not started error=\"{}\"; continuing without it", started.error().message);
    return nullptr;
  }
  spdlog::info("status server listening address={} port={}", listen, server->port());
  return server;
}

}  // namespace

int run_daemon(const config::Settings& settings, bool once) {
  boost::asio::io_context io(1);
  auto network = make_network_services(io.get_executor(), settings);
  // Optional only so that the forced-exit path below can wait for the lane explicitly.
  std::optional<store::Database> database_lane(std::in_place, store::DatabaseOptions{settings.database.url});
  store::Database& database = *database_lane;
  store::PgSyncStore store(database);
  status::Metrics metrics;
  bool migrated = false;
  sync::Scheduler scheduler(
      sync::SyncContext{*network.http, store, *network.resolver, sync_options(settings, once), &metrics},
      settings.accounts);
  auto status_server = start_status_server(
      io.get_executor(), settings.status.listen,
      status::StatusHandlers{[&migrated] { return migrated; }, [&] {
                               return status::render_prometheus(
                                   status::Snapshot{metrics, migrated, network.http->stats(), database.stats()});
                             }});

  int exit_code = exit_ok;
  bool stopping = false;
  bool finished = false;
  boost::asio::cancellation_signal stop;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer grace_timer(io);

  // First signal: stop starting work, abandon requests, let the transaction in progress
  // finish. A second signal, or the grace period running out, ends the event loop at once.
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& error, int signal_number) {
        if (error) return;
        if (stopping) {
          spdlog::warn("second signal signal={}: stopping now", signal_number);
          io.stop();
          return;
        }
        stopping = true;
        spdlog::info("shutdown requested signal={}", signal_number);
        notify_stopping();
        if (status_server) status_server->stop();
        database.stop();
        network.transport->shutdown();
        stop.emit(boost::asio::cancellation_type::terminal);
        grace_timer.expires_after(shutdown_grace);
        grace_timer.async_wait([&](const boost::system::error_code& timer_error) {
          if (timer_error) return;
          spdlog::error("shutdown took longer than {}s; exiting", shutdown_grace.count());
          io.stop();
        });
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  boost::asio::co_spawn(
      io, migrate_then_sync(database, scheduler, settings.accounts.size(), migrated),
      boost::asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr failure, int code) {
        exit_code = code;
        if (failure) {
          try {
            std::rethrow_exception(failure);
          } catch (const std::exception& e) {
            if (!stopping) {
              spdlog::critical("sync stopped error=\"{}\"", e.what());
              exit_code = exit_failure;
            }
          }
        }
        if (stopping) exit_code = exit_ok;
        finished = true;
        network.transport->shutdown();  // idle keep-alive connections would keep io.run() going
        if (status_server) status_server->stop();  // so would its acceptor and open connections
        signals.cancel();
        grace_timer.cancel();
      }));

  io.run();
  if (!finished) {
    // Forced stop: tasks are still suspended and would be torn down in no safe order, so
    // wait for the database lane to finish its unit, then leave without unwinding.
    database_lane.reset();
    spdlog::info("stopped exit_code={} forced=true", stopping ? exit_ok : exit_failure);
    spdlog::default_logger()->flush();
    std::_Exit(stopping ? exit_ok : exit_failure);
  }
  spdlog::info("stopped exit_code={}", exit_code);
  return exit_code;
}

}  // namespace atbackfill::app
