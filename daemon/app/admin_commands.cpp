// `atbackfill migrate`, `check-config` and `resolve`: one-shot commands.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/awaitable.hpp>
#include <pqxx/connection>
#include <spdlog/spdlog.h>

#include <iostream>

#include "app/commands.hpp"
#include "app/services.hpp"
#include "atproto/syntax.hpp"
#include "store/migrate.hpp"

namespace atbackfill::app {

int run_migrate(const config::Settings& settings) {
  pqxx::connection connection(settings.database.url);
  const auto applied = store::migrate(connection);
  if (!applied) {
    std::cerr << "atbackfill: " << applied.error().message << "\n";
    return exit_unavailable;
  }
  for (const auto& migration : *applied)
    std::cout << "applied " << migration.version << " " << migration.name << "\n";
  std::cout << "schema version " << store::schema_version(connection) << "\n";
  return exit_ok;
}

int run_check_config(const config::Settings& settings) {
  std::size_t wildcard_accounts = 0;
  for (const auto& account : settings.accounts)
    for (const auto& pattern : account.collections)
      if (pattern.wildcard) {
        ++wildcard_accounts;
        break;
      }
  std::cout << settings.source << ": ok (" << settings.accounts.size()
            << (settings.accounts.size() == 1 ? " account, " : " accounts, ") << wildcard_accounts
            << " with wildcard collections, " << settings.host_limits.size() << " host overrides)\n";
  return exit_ok;
}

int run_resolve(const config::Settings& settings, const std::string& handle_or_did) {
  const bool is_did = handle_or_did.starts_with("did:");
  if (is_did ? !atproto::is_valid_did(handle_or_did)
             : !atproto::is_valid_handle(atproto::normalize_handle(handle_or_did))) {
    std::cerr << "atbackfill: \"" << handle_or_did << "\" is not a valid " << (is_did ? "DID" : "handle") << "\n";
    return exit_usage;
  }
  boost::asio::io_context io(1);
  auto network = make_network_services(io.get_executor(), settings);
  int exit_code = exit_failure;
  auto resolve_and_print = [&]() -> boost::asio::awaitable<void> {
    const auto result = co_await network.resolver->resolve(handle_or_did);
    network.transport->shutdown();
    if (!result) {
      std::cerr << "atbackfill: " << result.error().message << "\n";
      co_return;
    }
    std::cout << "did:     " << result->did << "\n"
              << "handle:  " << result->handle.value_or("(none)")
              << (result->handle_verified ? " (verified)" : " (NOT verified)") << "\n"
              << "pds:     " << result->pds_url << "\n";
    if (!result->warning.empty()) std::cout << "warning: " << result->warning << "\n";
    exit_code = exit_ok;
  };
  boost::asio::co_spawn(io, resolve_and_print(), [](std::exception_ptr failure) {
    if (failure) std::rethrow_exception(failure);
  });
  io.run();
  return exit_code;
}

}  // namespace atbackfill::app
