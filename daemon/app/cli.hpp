// Command-line parsing for the atbackfill executable. Pure.
#pragma once

#include <string>
#include <vector>

#include "util/expected.hpp"

namespace atbackfill::app {

enum class Command { run, migrate, check_config, status, resolve, help, version };

struct CliOptions {
  Command command = Command::help;
  std::string config_path = "/etc/atbackfill/atbackfill.yaml";
  bool once = false;          // run: exit after one full pass
  bool json = false;          // status: machine-readable output
  std::string target;         // resolve: the handle or DID
  std::string log_level = "info";
};

// `args` excludes the program name. Errors are messages for stderr (usage follows them).
Expected<CliOptions> parse_cli(const std::vector<std::string>& args);

std::string usage_text();

}  // namespace atbackfill::app
