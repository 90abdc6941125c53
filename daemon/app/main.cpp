// atbackfill: entry point. Parses the command line, loads the configuration, dispatches.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "config/load.hpp"
#include "util/log.hpp"

#ifndef ATBACKFILL_VERSION
#define ATBACKFILL_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace atbackfill;
  const auto options = app::parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    std::cerr << "atbackfill: " << options.error().message << "\n\n" << app::usage_text();
    return app::exit_usage;
  }
  switch (options->command) {
    case app::Command::help: std::cout << app::usage_text(); return app::exit_ok;
    case app::Command::version: std::cout << "atbackfill " << ATBACKFILL_VERSION << "\n"; return app::exit_ok;
    default: break;
  }

  util::init_logging(options->log_level);
  config::Settings settings;
  try {
    settings = config::load_file(options->config_path);
  } catch (const config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return app::exit_usage;
  }

  try {
    switch (options->command) {
      case app::Command::run: return app::run_daemon(settings, options->once);
      case app::Command::migrate: return app::run_migrate(settings);
      case app::Command::check_config: return app::run_check_config(settings);
      case app::Command::status: return app::run_status(settings, options->json);
      case app::Command::resolve: return app::run_resolve(settings, options->target);
      default: return app::exit_usage;
    }
  } catch (const std::exception& e) {
    spdlog::critical("fatal error=\"{}\"", util::one_line(e.what()));
    return app::exit_failure;
  }
}
