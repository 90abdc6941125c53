// The subcommands of the atbackfill executable; each returns the process exit code.
#pragma once

#include "app/cli.hpp"
#include "config/settings.hpp"

namespace atbackfill::app {

// Exit codes shared by the commands.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;      // run --once: some account or collection failed
inline constexpr int exit_usage = 2;        // bad command line or configuration
inline constexpr int exit_unavailable = 3;  // database unusable (e.g. schema newer than binary)

int run_daemon(const config::Settings& settings, bool once);
int run_migrate(const config::Settings& settings);
int run_status(const config::Settings& settings, bool json);
int run_resolve(const config::Settings& settings, const std::string& handle_or_did);
int run_check_config(const config::Settings& settings);

}  // namespace atbackfill::app
