#include "app/cli.hpp"

#include <map>

namespace atbackfill::app {

std::string usage_text() {
  return R"(usage: atbackfill <command> [options]

commands:
  run -c FILE [--once]        backfill the configured accounts, then keep them current
                              (--once: exit after one full pass; 0 when everything succeeded)
  migrate -c FILE             apply database migrations and exit
  check-config -c FILE        validate the configuration file and exit
  status -c FILE [--json]     show per-collection progress from the database
  resolve -c FILE <handle|did>
                              print the DID, handle (verified or not) and PDS of an account

options:
  -c, --config FILE           configuration file (default /etc/atbackfill/atbackfill.yaml)
      --log-level LEVEL       trace, debug, info (default), warn (or warning), error, critical
  -h, --help                  show this help
      --version               show the version

environment:
  ATBACKFILL_DATABASE_URL     overrides database.url
)";
}

Expected<CliOptions> parse_cli(const std::vector<std::string>& args) {
  static const std::map<std::string, Command> commands = {
      {"run", Command::run},       {"migrate", Command::migrate}, {"check-config", Command::check_config},
      {"status", Command::status}, {"resolve", Command::resolve},
  };
  CliOptions options;
  bool have_command = false;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](const std::string& flag) -> Expected<std::string> {
      if (i + 1 >= args.size()) return permanent_error(flag + " needs a value");
      return args[++i];
    };
    if (arg == "-h" || arg == "--help" || arg == "--version") {
      CliOptions info;
      info.command = arg == "--version" ? Command::version : Command::help;
      return info;
    }
    if (arg == "-c" || arg == "--config") {
      auto path = value(arg);
      if (!path) return path.error();
      options.config_path = *path;
    } else if (arg.starts_with("--config=")) {
      options.config_path = arg.substr(9);
    } else if (arg == "--log-level") {
      auto level = value(arg);
      if (!level) return level.error();
      options.log_level = *level;
    } else if (arg == "--once") {
      options.once = true;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg.starts_with("-") && arg != "-") {
      return permanent_error("unknown option " + arg);
    } else if (!have_command) {
      const auto found = commands.find(arg);
      if (found == commands.end()) return permanent_error("unknown command \"" + arg + "\"");
      options.command = found->second;
      have_command = true;
    } else {
      positional.push_back(arg);
    }
  }
  if (!have_command) return permanent_error("no command given");
  static const std::map<std::string, std::string> levels = {{"trace", ""}, {"debug", ""}, {"info", ""},
                                                            {"warn", ""},  {"warning", ""}, {"error", ""}, {"critical", ""}};
  if (!levels.contains(options.log_level)) return permanent_error("unknown log level \"" + options.log_level + "\"");
  if (options.once && options.command != Command::run) return permanent_error("--once applies to run only");
  if (options.json && options.command != Command::status) return permanent_error("--json applies to status only");
  if (options.command == Command::resolve) {
    if (positional.size() != 1) return permanent_error("resolve needs exactly one handle or DID");
    options.target = positional.front();
  } else if (!positional.empty()) {
    return permanent_error("unexpected argument \"" + positional.front() + "\"");
  }
  return options;
}

}  // namespace atbackfill::app
