// Tests for loading valid configurations: defaults, every key, environment, files.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "unit/config/config_test_support.hpp"

namespace atbackfill::config {
namespace {

using namespace std::chrono_literals;
using testing::ConfigTest;

using LoadTest = ConfigTest;

TEST_F(LoadTest, MinimalFileGetsDefaults) {
  const auto settings = parse_text(
      "collections: [ \"network.comind.*\" ]\n"
      "accounts:\n"
      "  - handle: central.comind.network\n",
      "dir/atbackfill.yaml");
  EXPECT_EQ(settings.source, "dir/atbackfill.yaml");
  EXPECT_EQ(settings.database.url, "postgresql:///atbackfill");
  EXPECT_EQ(settings.identity.plc_url, "https://plc.directory");
  EXPECT_EQ(settings.identity.handle_resolver, "https://public.api.bsky.app");
  EXPECT_EQ(settings.identity.cache_ttl, 24h);
  EXPECT_EQ(settings.identity.handle_methods,
            (std::vector{HandleMethod::dns, HandleMethod::well_known, HandleMethod::xrpc}));
  EXPECT_EQ(settings.default_limits.requests_per_minute, 100);
  EXPECT_EQ(settings.default_limits.max_concurrent, 2);
  EXPECT_TRUE(settings.host_limits.empty());
  EXPECT_EQ(settings.sync.page_size, 100);
  EXPECT_EQ(settings.sync.poll_interval, 5min);
  EXPECT_EQ(settings.sync.rescan_interval, 24h);
  EXPECT_EQ(settings.status.listen, "");
  EXPECT_TRUE(settings.network.allow_private_hosts.empty());
  EXPECT_EQ(settings.network.connect_timeout, 10s);
  EXPECT_EQ(settings.network.request_timeout, 30s);
  EXPECT_EQ(settings.network.max_response_bytes, 32u * 1024 * 1024);
  EXPECT_EQ(settings.network.user_agent, "atbackfill");
  ASSERT_EQ(settings.accounts.size(), 1u);
  EXPECT_EQ(settings.accounts[0].handle, "central.comind.network");
  EXPECT_EQ(settings.accounts[0].did, std::nullopt);
  EXPECT_EQ(settings.accounts[0].line, 3);
  ASSERT_EQ(settings.accounts[0].collections.size(), 1u);
  EXPECT_EQ(settings.accounts[0].collections[0].prefix, "network.comind");
}

constexpr const char* full_config = R"yaml(database:
  url: "postgresql://bf@db.internal/backfill"
identity:
  plc_url: "http://localhost:2582/"
  handle_resolver: https://resolver.example.com//
  cache_ttl: 1h30m
  handle_methods: [ xrpc, dns ]
hosts:
  default: { requests_per_minute: 60, max_concurrent: 3 }
  "Comind.Network": { requests_per_minute: 300 }
  "localhost:2583": { max_concurrent: 8 }
sync:
  page_size: 50
  poll_interval: 30s
  rescan_interval: 7d
  retry_attempts: 3
  retry_initial_delay: 250ms
  retry_max_delay: 10s
collections: [ "network.comind.*", "app.bsky.feed.post" ]
accounts:
  - handle: Central.Comind.Network
  - did: did:plc:z72i7hdynmk6r22z27h6tvur
    collections:
      - stream.thought.*
  - did: did:web:localhost%3A2583
status:
  listen: "127.0.0.1:9464"
network:
  allow_private_hosts: [ localhost, "127.0.0.1", "[::1]", LocalHost ]
  connect_timeout: 500ms
  request_timeout: 2m
  max_response_bytes: 1048576
  user_agent: "atbackfill/0.1 (+https://example.com)"
)yaml";

TEST_F(LoadTest, ReadsEveryKey) {
  const auto settings = parse_text(full_config, "atbackfill.yaml");
  EXPECT_EQ(settings.database.url, "postgresql://bf@db.internal/backfill");
  EXPECT_EQ(settings.identity.plc_url, "http://localhost:2582");
  EXPECT_EQ(settings.identity.handle_resolver, "https://resolver.example.com");
  EXPECT_EQ(settings.identity.cache_ttl, 90min);
  EXPECT_EQ(settings.identity.handle_methods, (std::vector{HandleMethod::xrpc, HandleMethod::dns}));
  EXPECT_EQ(settings.default_limits.requests_per_minute, 60);
  EXPECT_EQ(settings.default_limits.max_concurrent, 3);
  ASSERT_EQ(settings.host_limits.size(), 2u);
  EXPECT_EQ(settings.host_limits.at("comind.network").requests_per_minute, 300);
  EXPECT_EQ(settings.host_limits.at("comind.network").max_concurrent, std::nullopt);
  EXPECT_EQ(settings.limits_for("comind.network").max_concurrent, 3);
  EXPECT_EQ(settings.limits_for("localhost:2583").max_concurrent, 8);
  EXPECT_EQ(settings.limits_for("localhost:2583").requests_per_minute, 60);
  EXPECT_EQ(settings.sync.page_size, 50);
  EXPECT_EQ(settings.sync.poll_interval, 30s);
  EXPECT_EQ(settings.sync.rescan_interval, 7 * 24h);
  EXPECT_EQ(settings.sync.retry_attempts, 3);
  EXPECT_EQ(settings.sync.retry_initial_delay, 250ms);
  EXPECT_EQ(settings.sync.retry_max_delay, 10s);
  ASSERT_EQ(settings.default_collections.size(), 2u);
  EXPECT_EQ(settings.default_collections[1].text, "app.bsky.feed.post");

  ASSERT_EQ(settings.accounts.size(), 3u);
  EXPECT_EQ(settings.accounts[0].handle, "central.comind.network");
  EXPECT_EQ(settings.accounts[0].label(), "central.comind.network");
  EXPECT_EQ(settings.accounts[0].line, 21);
  EXPECT_EQ(settings.accounts[0].collections.size(), 2u);
  EXPECT_EQ(settings.accounts[1].did, "did:plc:z72i7hdynmk6r22z27h6tvur");
  EXPECT_EQ(settings.accounts[1].handle, std::nullopt);
  EXPECT_EQ(settings.accounts[1].line, 22);
  ASSERT_EQ(settings.accounts[1].collections.size(), 1u);
  EXPECT_EQ(settings.accounts[1].collections[0].text, "stream.thought.*");
  EXPECT_EQ(settings.accounts[2].label(), "did:web:localhost%3A2583");
  EXPECT_EQ(settings.accounts[2].collections.size(), 2u);

  EXPECT_EQ(settings.status.listen, "127.0.0.1:9464");
  EXPECT_EQ(settings.network.allow_private_hosts,
            (std::vector<std::string>{"localhost", "127.0.0.1", "::1"}));
  EXPECT_EQ(settings.network.connect_timeout, 500ms);
  EXPECT_EQ(settings.network.request_timeout, 2min);
  EXPECT_EQ(settings.network.max_response_bytes, 1048576u);
  EXPECT_EQ(settings.network.user_agent, "atbackfill/0.1 (+https://example.com)");
}

TEST_F(LoadTest, EmptySectionsKeepDefaults) {
  const auto settings = parse_text(
      "database:\nidentity: {}\nhosts:\nsync:\nstatus:\nnetwork:\n"
      "accounts: [ { handle: a.test, collections: [ a.b.c ] } ]\n",
      "atbackfill.yaml");
  EXPECT_EQ(settings.database.url, "postgresql:///atbackfill");
  EXPECT_EQ(settings.sync.page_size, 100);
  EXPECT_EQ(settings.default_limits.requests_per_minute, 100);
}

TEST_F(LoadTest, PartialDefaultLimitsKeepTheOtherField) {
  const auto settings = parse_text(
      "hosts: { default: { max_concurrent: 5 } }\n"
      "accounts: [ { handle: a.test, collections: [ a.b.c ] } ]\n",
      "atbackfill.yaml");
  EXPECT_EQ(settings.default_limits.requests_per_minute, 100);
  EXPECT_EQ(settings.default_limits.max_concurrent, 5);
}

TEST_F(LoadTest, OwnCollectionsReplaceTheDefault) {
  const auto settings = parse_text(
      "collections: [ a.b.c ]\n"
      "accounts: [ { handle: a.test, collections: [ x.y.* ] }, { handle: b.test } ]\n",
      "atbackfill.yaml");
  ASSERT_EQ(settings.accounts[0].collections.size(), 1u);
  EXPECT_EQ(settings.accounts[0].collections[0].text, "x.y.*");
  EXPECT_EQ(settings.accounts[1].collections[0].text, "a.b.c");
}

TEST_F(LoadTest, CollectionsMayFollowAccounts) {
  const auto settings = parse_text(
      "accounts: [ { handle: a.test } ]\n"
      "collections: [ a.b.c ]\n",
      "atbackfill.yaml");
  EXPECT_EQ(settings.accounts[0].collections[0].text, "a.b.c");
}

TEST_F(LoadTest, EnvironmentOverridesDatabaseUrl) {
  ::setenv(database_url_env, "postgresql://env/db", 1);
  const auto settings = parse_text(
      "database: { url: postgresql://file/db }\n"
      "accounts: [ { handle: a.test, collections: [ a.b.c ] } ]\n",
      "atbackfill.yaml");
  EXPECT_EQ(settings.database.url, "postgresql://env/db");
}

TEST_F(LoadTest, EmptyEnvironmentValueIsIgnored) {
  ::setenv(database_url_env, "", 1);
  const auto settings = parse_text(
      "database: { url: postgresql://file/db }\n"
      "accounts: [ { handle: a.test, collections: [ a.b.c ] } ]\n",
      "atbackfill.yaml");
  EXPECT_EQ(settings.database.url, "postgresql://file/db");
}

class LoadFileTest : public ConfigTest {
 protected:
  void SetUp() override {
    ConfigTest::SetUp();
    dir_ = std::filesystem::temp_directory_path() /
           ("atbackfill-config-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::filesystem::remove_all(dir_);
    ConfigTest::TearDown();
  }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(LoadFileTest, ReadsAFileAndRecordsItsPath) {
  const auto path =
      write("atbackfill.yaml", "accounts: [ { did: did:web:a.test, collections: [ a.b.c ] } ]\n");
  const auto settings = load_file(path);
  EXPECT_EQ(settings.source, path);
  EXPECT_EQ(settings.accounts.at(0).did, "did:web:a.test");
}

TEST_F(LoadFileTest, AppliesTheEnvironment) {
  const auto path =
      write("atbackfill.yaml", "accounts: [ { did: did:web:a.test, collections: [ a.b.c ] } ]\n");
  ::setenv(database_url_env, "postgresql://env/db", 1);
  EXPECT_EQ(load_file(path).database.url, "postgresql://env/db");
}

TEST_F(LoadFileTest, ErrorsNameTheFileByItsBaseName) {
  const auto path =
      write("mine.yaml", "accounts: [ { did: did:web:a.test, collections: [ a..c ] } ]\n");
  try {
    (void)load_file(path);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(),
                 "mine.yaml:1: accounts[0].collections[0]: \"a..c\" is not a valid NSID");
  }
}

TEST_F(LoadFileTest, MissingFile) {
  const auto path = (dir_ / "missing.yaml").string();
  try {
    (void)load_file(path);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), "cannot read " + path + ": No such file or directory");
  }
}

TEST_F(LoadFileTest, DirectoryIsUnreadable) {
  try {
    (void)load_file(dir_.string());
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), "cannot read " + dir_.string() + ": Is a directory");
  }
}

TEST_F(LoadFileTest, EndlessInputIsRefusedNotRead) {
  try {
    (void)load_file("/dev/zero");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), "cannot read /dev/zero: larger than 16 MiB");
  }
}

TEST_F(LoadFileTest, ExampleFileParses) {
  const auto settings =
      load_file(std::string(ATBACKFILL_SOURCE_DIR) + "/config/atbackfill.example.yaml");
  EXPECT_GE(settings.accounts.size(), 2u);
  bool by_handle = false;
  bool by_did = false;
  bool wildcard = false;
  bool exact = false;
  for (const auto& account : settings.accounts) {
    by_handle = by_handle || account.handle.has_value();
    by_did = by_did || account.did.has_value();
    for (const auto& pattern : account.collections) {
      wildcard = wildcard || pattern.wildcard;
      exact = exact || !pattern.wildcard;
    }
  }
  EXPECT_TRUE(by_handle);
  EXPECT_TRUE(by_did);
  EXPECT_TRUE(wildcard);
  EXPECT_TRUE(exact);
  EXPECT_FALSE(settings.host_limits.empty());
  // The example documents the defaults, so its values must be the defaults.
  const Settings defaults;
  EXPECT_EQ(settings.database.url, defaults.database.url);
  EXPECT_EQ(settings.identity.plc_url, defaults.identity.plc_url);
  EXPECT_EQ(settings.identity.handle_resolver, defaults.identity.handle_resolver);
  EXPECT_EQ(settings.identity.cache_ttl, defaults.identity.cache_ttl);
  EXPECT_EQ(settings.identity.handle_methods, defaults.identity.handle_methods);
  EXPECT_EQ(settings.default_limits.requests_per_minute,
            defaults.default_limits.requests_per_minute);
  EXPECT_EQ(settings.default_limits.max_concurrent, defaults.default_limits.max_concurrent);
  EXPECT_EQ(settings.sync.page_size, defaults.sync.page_size);
  EXPECT_EQ(settings.sync.poll_interval, defaults.sync.poll_interval);
  EXPECT_EQ(settings.sync.rescan_interval, defaults.sync.rescan_interval);
  EXPECT_EQ(settings.sync.retry_attempts, defaults.sync.retry_attempts);
  EXPECT_EQ(settings.sync.retry_initial_delay, defaults.sync.retry_initial_delay);
  EXPECT_EQ(settings.sync.retry_max_delay, defaults.sync.retry_max_delay);
  EXPECT_EQ(settings.network.connect_timeout, defaults.network.connect_timeout);
  EXPECT_EQ(settings.network.request_timeout, defaults.network.request_timeout);
  EXPECT_EQ(settings.network.max_response_bytes, defaults.network.max_response_bytes);
  EXPECT_EQ(settings.network.user_agent, defaults.network.user_agent);
}

TEST_F(LoadFileTest, ShippedDefaultFileParses) {
  const auto settings = load_file(std::string(ATBACKFILL_SOURCE_DIR) + "/config/atbackfill.yaml");
  EXPECT_FALSE(settings.accounts.empty());
}

}  // namespace
}  // namespace atbackfill::config
