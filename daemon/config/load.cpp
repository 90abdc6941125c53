// Loading and validating the YAML configuration file into config::Settings.
#include "config/load.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include <yaml-cpp/yaml.h>

#include "config/sections.hpp"

namespace atbackfill::config {
namespace {

using detail::Field;
using detail::Reader;

std::string file_label(const std::string& source) {
  const auto name = std::filesystem::path(source).filename().string();
  return name.empty() ? source : name;
}

YAML::Node parse_yaml(const Reader& reader, const std::string& text) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception& error) {
    reader.fail(error.mark.line >= 0 ? error.mark.line + 1 : 1, {}, "invalid YAML: " + error.msg);
  }
  if (documents.size() > 1) {
    const auto mark = documents[1].Mark();
    reader.fail(mark.line >= 0 ? mark.line + 1 : 1, {},
                "the file holds more than one YAML document (remove the \"---\")");
  }
  return documents.empty() ? YAML::Node() : documents.front();
}

Settings build(const Reader& reader, const YAML::Node& root) {
  const Field top{
      root, {}, root.IsNull() || root.Mark().line < 0 ? 1 : root.Mark().line + 1, {}, 1};
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    reader.fail(top, "the top level must be a map of settings, got " + detail::describe(root));
  }
  Settings settings;
  std::optional<Field> collections;
  std::optional<Field> accounts;
  for (const auto& entry : reader.entries(top, {"database", "identity", "hosts", "sync",
                                                "collections", "accounts", "status", "network"})) {
    if (entry.key == "database") {
      detail::read_database(reader, entry, settings.database);
    } else if (entry.key == "identity") {
      detail::read_identity(reader, entry, settings.identity);
    } else if (entry.key == "hosts") {
      detail::read_hosts(reader, entry, settings);
    } else if (entry.key == "sync") {
      detail::read_sync(reader, entry, settings.sync);
    } else if (entry.key == "status") {
      detail::read_status(reader, entry, settings.status);
    } else if (entry.key == "network") {
      detail::read_network(reader, entry, settings.network);
    } else if (entry.key == "collections") {
      collections = entry;
    } else {
      accounts = entry;
    }
  }
  // Accounts fall back to the default list, so it is read first wherever it is written.
  if (collections) settings.default_collections = detail::read_collections(reader, *collections);
  if (!accounts) {
    reader.fail(top.line, "accounts",
                "no accounts configured (add at least one entry with a handle or a did)");
  }
  settings.accounts = detail::read_accounts(reader, *accounts, settings.default_collections);
  return settings;
}

void apply_environment(Settings& settings) {
  const char* url = std::getenv(database_url_env);
  if (url != nullptr && *url != '\0') settings.database.url = url;
}

}  // namespace

Settings parse_text(const std::string& yaml_text, const std::string& source_name) {
  const Reader reader(file_label(source_name));
  Settings settings = build(reader, parse_yaml(reader, yaml_text));
  settings.source = source_name;
  apply_environment(settings);
  return settings;
}

Settings load_file(const std::string& path) {
  const auto fail = [&](int error) {
    throw ConfigError("cannot read " + path + ": " + std::strerror(error));
  };
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) fail(errno);
  std::string text;
  char buffer[8192];
  // A configuration is a few kilobytes; a bound keeps `-c /dev/zero` from eating memory.
  constexpr std::size_t max_config_bytes = 16 * 1024 * 1024;
  while (true) {
    const auto count = std::fread(buffer, 1, sizeof buffer, file.get());
    text.append(buffer, count);
    if (text.size() > max_config_bytes) {
      throw ConfigError("cannot read " + path + ": larger than " + std::to_string(max_config_bytes / (1024 * 1024)) +
                        " MiB");
    }
    if (count < sizeof buffer) break;
  }
  // A directory opens fine and only fails on read (EISDIR).
  if (std::ferror(file.get())) fail(errno != 0 ? errno : EIO);
  return parse_text(text, path);
}

}  // namespace atbackfill::config
