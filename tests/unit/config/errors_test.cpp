// Tests for configuration errors: each names the file, the line and the key path.
#include <gtest/gtest.h>

#include "unit/config/config_test_support.hpp"

namespace atbackfill::config {
namespace {

using testing::error_of;
using ErrorTest = testing::ConfigTest;

// A valid tail to append to snippets that test other sections.
const std::string accounts = "accounts: [ { handle: a.test, collections: [ a.b.c ] } ]\n";

TEST_F(ErrorTest, ExampleFromTheContract) {
  EXPECT_EQ(
      error_of("collections: [ a.b.c ]\n"
               "accounts:\n"
               "  - handle: a.test\n"
               "  - handle: b.test\n"
               "  - did: did:web:c.test\n"
               "    collections:\n"
               "      - \"network..comind\"\n"),
      "atbackfill.yaml:7: accounts[2].collections[0]: \"network..comind\" is not a valid NSID");
}

TEST_F(ErrorTest, UnknownKeyAtEachLevel) {
  EXPECT_EQ(error_of("databse: {}\n" + accounts),
            "atbackfill.yaml:1: databse: unknown key (expected one of: database, identity, hosts, "
            "sync, collections, accounts, status, network)");
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: 10\n  pagesize: 10\n"),
            "atbackfill.yaml:4: sync.pagesize: unknown key (expected one of: page_size, "
            "poll_interval, rescan_interval, retry_attempts, retry_initial_delay, retry_max_delay)");
  EXPECT_EQ(error_of(accounts + "database: { uri: x }\n"),
            "atbackfill.yaml:2: database.uri: unknown key (expected one of: url)");
  EXPECT_EQ(error_of(accounts + "identity: { plc: x }\n"),
            "atbackfill.yaml:2: identity.plc: unknown key (expected one of: plc_url, "
            "handle_resolver, cache_ttl, handle_methods)");
  EXPECT_EQ(error_of(accounts + "hosts:\n  default: { rpm: 1 }\n"),
            "atbackfill.yaml:3: hosts.default.rpm: unknown key (expected one of: "
            "requests_per_minute, max_concurrent)");
  EXPECT_EQ(error_of(accounts + "hosts:\n  \"comind.network\":\n    concurrency: 1\n"),
            "atbackfill.yaml:4: hosts.\"comind.network\".concurrency: unknown key (expected one "
            "of: requests_per_minute, max_concurrent)");
  EXPECT_EQ(error_of(accounts + "status: { port: 1 }\n"),
            "atbackfill.yaml:2: status.port: unknown key (expected one of: listen)");
  EXPECT_EQ(error_of(accounts + "network: { timeout: 1s }\n"),
            "atbackfill.yaml:2: network.timeout: unknown key (expected one of: "
            "allow_private_hosts, connect_timeout, request_timeout, max_response_bytes, "
            "user_agent)");
  EXPECT_EQ(error_of("accounts:\n  - handle: a.test\n    collection: [ a.b.c ]\n"),
            "atbackfill.yaml:3: accounts[0].collection: unknown key (expected one of: handle, "
            "did, collections)");
}

TEST_F(ErrorTest, DuplicateKeys) {
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: 1\n  page_size: 2\n"),
            "atbackfill.yaml:4: sync.page_size: duplicate key (first at line 3)");
  EXPECT_EQ(error_of(accounts + "sync: {}\nsync: {}\n"),
            "atbackfill.yaml:3: sync: duplicate key (first at line 2)");
}

TEST_F(ErrorTest, InvalidNsids) {
  EXPECT_EQ(error_of("collections:\n  - app.bsky.feed.post\n  - com.example\n" + accounts),
            "atbackfill.yaml:3: collections[1]: \"com.example\" is not a valid NSID");
  EXPECT_EQ(error_of("collections: [ \"app.bsky.feed.3post\" ]\n" + accounts),
            "atbackfill.yaml:1: collections[0]: \"app.bsky.feed.3post\" is not a valid NSID");
}

TEST_F(ErrorTest, WildcardForms) {
  EXPECT_EQ(error_of("collections: [ \"*\" ]\n" + accounts),
            "atbackfill.yaml:1: collections[0]: \"*\" is too broad: a wildcard needs at least two "
            "segments before \".*\" (e.g. \"network.comind.*\")");
  EXPECT_EQ(error_of("collections:\n  - com.*\n" + accounts),
            "atbackfill.yaml:2: collections[0]: \"com.*\" is too broad: a wildcard needs at least "
            "two segments before \".*\" (e.g. \"network.comind.*\")");
  EXPECT_EQ(error_of("collections: [ \"network.*.thought\" ]\n" + accounts),
            "atbackfill.yaml:1: collections[0]: \"network.*.thought\" is not a valid NSID (a "
            "wildcard is written as a prefix followed by \".*\", e.g. \"network.comind.*\")");
  EXPECT_EQ(error_of("collections: [ \"network.*.*\" ]\n" + accounts),
            "atbackfill.yaml:1: collections[0]: \"network.*.*\" is not a valid wildcard "
            "(\"*\" may appear only once, at the end)");
  EXPECT_EQ(error_of("collections: [ \"network.comind*\" ]\n" + accounts),
            "atbackfill.yaml:1: collections[0]: \"network.comind*\" is not a valid NSID (a "
            "wildcard is written as a prefix followed by \".*\", e.g. \"network.comind.*\")");
}

TEST_F(ErrorTest, DuplicateCollections) {
  EXPECT_EQ(error_of("collections:\n  - a.b.c\n  - A.B.c\n" + accounts),
            "atbackfill.yaml:3: collections[1]: \"A.B.c\" is listed twice (first at line 2)");
}

TEST_F(ErrorTest, EmptyCollections) {
  EXPECT_EQ(error_of("collections: []\n" + accounts),
            "atbackfill.yaml:1: collections: must list at least one collection (remove the key "
            "to use the default)");
  EXPECT_EQ(
      error_of("collections: [ a.b.c ]\naccounts:\n  - handle: a.test\n    collections: []\n"),
      "atbackfill.yaml:4: accounts[0].collections: must list at least one collection "
      "(remove the key to use the default)");
  EXPECT_EQ(error_of("accounts:\n  - handle: a.test\n    collections:\n"),
            "atbackfill.yaml:3: accounts[0].collections: expected a list of collections (NSIDs or "
            "\"prefix.*\" wildcards), got nothing");
}

TEST_F(ErrorTest, AccountWithoutAnyCollections) {
  EXPECT_EQ(error_of("accounts:\n  - handle: a.test\n    collections: [ a.b.c ]\n"
                     "  - did: did:web:b.test\n"),
            "atbackfill.yaml:4: accounts[1]: no collections for \"did:web:b.test\" (add a "
            "collections list here or a top-level collections default)");
}

TEST_F(ErrorTest, InvalidHandles) {
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - handle: alice\n"),
            "atbackfill.yaml:3: accounts[0].handle: \"alice\" is not a valid handle");
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - handle: \"@alice.test\"\n"),
            "atbackfill.yaml:3: accounts[0].handle: \"@alice.test\" is not a valid handle (write "
            "it without the \"@\")");
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - handle: did:web:a.test\n"),
            "atbackfill.yaml:3: accounts[0].handle: \"did:web:a.test\" is not a valid handle (a "
            "DID goes under did:)");
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - handle: alice.123\n"),
            "atbackfill.yaml:3: accounts[0].handle: \"alice.123\" is not a valid handle");
}

TEST_F(ErrorTest, InvalidDids) {
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - did: did:plc:abc\n"),
            "atbackfill.yaml:3: accounts[0].did: \"did:plc:abc\" is not a valid DID (a did:plc "
            "identifier is 24 characters of a-z and 2-7)");
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - did: alice.test\n"),
            "atbackfill.yaml:3: accounts[0].did: \"alice.test\" is not a valid DID");
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - did: \"did:web:a.test:\"\n"),
            "atbackfill.yaml:3: accounts[0].did: \"did:web:a.test:\" is not a valid DID");
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - did: did:key:z6Mkabc\n"),
            "atbackfill.yaml:3: accounts[0].did: \"did:key:z6Mkabc\" uses an unsupported DID "
            "method (expected did:plc or did:web)");
}

TEST_F(ErrorTest, AccountIdentifiers) {
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n"
                     "  - handle: a.test\n    did: did:web:a.test\n"),
            "atbackfill.yaml:3: accounts[0]: has both a handle and a did (give exactly one)");
  EXPECT_EQ(error_of("accounts:\n  - handle: a.test\n    collections: [ a.b.c ]\n"
                     "  - collections: [ a.b.c ]\n"),
            "atbackfill.yaml:4: accounts[1]: needs a handle or a did");
  EXPECT_EQ(
      error_of("collections: [ a.b.c ]\naccounts:\n  - a.test\n"),
      "atbackfill.yaml:3: accounts[0]: expected a map with a handle or a did, got \"a.test\"");
  // yaml-cpp gives an empty item no position of its own: the list's line stands in.
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n  - handle: a.test\n  -\n"),
            "atbackfill.yaml:3: accounts[1]: expected a map with a handle or a did, got nothing");
}

TEST_F(ErrorTest, DuplicateAccounts) {
  EXPECT_EQ(error_of("collections: [ a.b.c ]\naccounts:\n"
                     "  - handle: alice.test\n  - handle: bob.test\n  - handle: ALICE.test\n"),
            "atbackfill.yaml:5: accounts[2].handle: duplicate account \"alice.test\" (first at "
            "line 3)");
  EXPECT_EQ(
      error_of("collections: [ a.b.c ]\naccounts:\n"
               "  - did: did:web:a.test\n  - collections: [ x.y.z ]\n    did: did:web:a.test\n"),
      "atbackfill.yaml:5: accounts[1].did: duplicate account \"did:web:a.test\" (first at "
      "line 3)");
}

TEST_F(ErrorTest, NoAccounts) {
  const std::string message =
      "accounts: no accounts configured (add at least one entry with a handle or a did)";
  EXPECT_EQ(error_of(""), "atbackfill.yaml:1: " + message);
  EXPECT_EQ(error_of("sync: { page_size: 5 }\n"), "atbackfill.yaml:1: " + message);
  EXPECT_EQ(error_of("sync: {}\naccounts: []\n"), "atbackfill.yaml:2: " + message);
  EXPECT_EQ(error_of("sync: {}\naccounts:\n"), "atbackfill.yaml:2: " + message);
  EXPECT_EQ(error_of("accounts: { handle: a.test }\n"),
            "atbackfill.yaml:1: accounts: expected a list of accounts, got a map");
}

TEST_F(ErrorTest, BadDurations) {
  EXPECT_EQ(error_of(accounts + "sync:\n  poll_interval: 5\n"),
            "atbackfill.yaml:3: sync.poll_interval: \"5\" is not a valid duration: missing unit "
            "(ms, s, m, h or d)");
  EXPECT_EQ(error_of(accounts + "sync:\n  poll_interval: 5x\n"),
            "atbackfill.yaml:3: sync.poll_interval: \"5x\" is not a valid duration: unknown unit "
            "\"x\" (expected ms, s, m, h or d)");
  EXPECT_EQ(error_of(accounts + "sync:\n  retry_initial_delay: 10m\n  retry_max_delay: 1s\n"),
            "atbackfill.yaml:3: sync: retry_initial_delay (10m) is longer than retry_max_delay (1s)");
  EXPECT_EQ(error_of(accounts + "sync:\n  rescan_interval: -1s\n"),
            "atbackfill.yaml:3: sync.rescan_interval: \"-1s\" is not a valid duration: durations "
            "cannot be negative");
  EXPECT_EQ(error_of(accounts + "identity:\n  cache_ttl: 0s\n"),
            "atbackfill.yaml:3: identity.cache_ttl: \"0s\" is not a valid duration: must be "
            "greater than zero");
  EXPECT_EQ(error_of(accounts + "network:\n  connect_timeout: [ 1s ]\n"),
            "atbackfill.yaml:3: network.connect_timeout: expected a duration such as \"30s\", got "
            "a list");
  EXPECT_EQ(error_of(accounts + "network:\n  request_timeout:\n"),
            "atbackfill.yaml:3: network.request_timeout: expected a duration such as \"30s\", got "
            "nothing");
}

TEST_F(ErrorTest, PageSizeRange) {
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: 0\n"),
            "atbackfill.yaml:3: sync.page_size: must be between 1 and 100, got 0");
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: 101\n"),
            "atbackfill.yaml:3: sync.page_size: must be between 1 and 100, got 101");
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: -5\n"),
            "atbackfill.yaml:3: sync.page_size: must be between 1 and 100, got -5");
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: 99999999999999999999999\n"),
            "atbackfill.yaml:3: sync.page_size: must be between 1 and 100, got "
            "99999999999999999999999");
}

TEST_F(ErrorTest, WrongIntegerTypes) {
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: ten\n"),
            "atbackfill.yaml:3: sync.page_size: expected a whole number between 1 and 100, got "
            "\"ten\"");
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: \"50\"\n"),
            "atbackfill.yaml:3: sync.page_size: expected a whole number between 1 and 100, got "
            "the string \"50\" (remove the quotes)");
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: 1.5\n"),
            "atbackfill.yaml:3: sync.page_size: expected a whole number between 1 and 100, got "
            "\"1.5\"");
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: [ 1 ]\n"),
            "atbackfill.yaml:3: sync.page_size: expected a whole number between 1 and 100, got a "
            "list");
  EXPECT_EQ(error_of(accounts + "hosts:\n  default:\n    max_concurrent: 65\n"),
            "atbackfill.yaml:4: hosts.default.max_concurrent: must be between 1 and 64, got 65");
  EXPECT_EQ(error_of(accounts + "hosts:\n  a.test: { requests_per_minute: 0 }\n"),
            "atbackfill.yaml:3: hosts.\"a.test\".requests_per_minute: must be between 1 and "
            "1000000, got 0");
  EXPECT_EQ(error_of(accounts + "network:\n  max_response_bytes: 10\n"),
            "atbackfill.yaml:3: network.max_response_bytes: must be between 1024 and 1073741824, "
            "got 10");
}

TEST_F(ErrorTest, WrongContainerTypes) {
  EXPECT_EQ(error_of(accounts + "sync: [ 1, 2 ]\n"),
            "atbackfill.yaml:2: sync: expected a map, got a list");
  EXPECT_EQ(error_of(accounts + "database: postgresql:///x\n"),
            "atbackfill.yaml:2: database: expected a map, got \"postgresql:///x\"");
  EXPECT_EQ(error_of("collections: { a: b }\n" + accounts),
            "atbackfill.yaml:1: collections: expected a list of collections (NSIDs or \"prefix.*\" "
            "wildcards), got a map");
  EXPECT_EQ(error_of(accounts + "database:\n  url: { a: b }\n"),
            "atbackfill.yaml:3: database.url: expected a string, got a map");
  EXPECT_EQ(error_of(accounts + "database:\n  url: \"\"\n"),
            "atbackfill.yaml:3: database.url: must not be empty");
  EXPECT_EQ(error_of("- a\n- b\n"),
            "atbackfill.yaml:1: the top level must be a map of settings, got a list");
  EXPECT_EQ(error_of("just text\n"),
            "atbackfill.yaml:1: the top level must be a map of settings, got \"just text\"");
  EXPECT_EQ(error_of(accounts + "hosts: [ a ]\n"),
            "atbackfill.yaml:2: hosts: expected a map of host names to limits, got a list");
  EXPECT_EQ(error_of(accounts + "? [ a ]\n: b\n"),
            "atbackfill.yaml:2: keys must be plain strings, got a list");
}

TEST_F(ErrorTest, IdentitySection) {
  EXPECT_EQ(error_of(accounts + "identity:\n  plc_url: plc.directory\n"),
            "atbackfill.yaml:3: identity.plc_url: \"plc.directory\" is not an http:// or https:// "
            "URL");
  EXPECT_EQ(error_of(accounts + "identity:\n  handle_resolver: \"https://x.test?q=1\"\n"),
            "atbackfill.yaml:3: identity.handle_resolver: \"https://x.test?q=1\" must be a base "
            "URL without query, fragment or user name");
  EXPECT_EQ(error_of(accounts + "identity:\n  handle_methods: []\n"),
            "atbackfill.yaml:3: identity.handle_methods: must name at least one handle method");
  EXPECT_EQ(error_of(accounts + "identity:\n  handle_methods: [ dns, http ]\n"),
            "atbackfill.yaml:3: identity.handle_methods[1]: unknown handle method \"http\" "
            "(expected dns, well_known or xrpc)");
  EXPECT_EQ(error_of(accounts + "identity:\n  handle_methods:\n    - dns\n    - xrpc\n    - dns\n"),
            "atbackfill.yaml:6: identity.handle_methods[2]: \"dns\" is listed twice");
  EXPECT_EQ(error_of(accounts + "identity:\n  handle_methods: dns\n"),
            "atbackfill.yaml:3: identity.handle_methods: expected a list of handle methods (dns, "
            "well_known, xrpc), got \"dns\"");
}

TEST_F(ErrorTest, HostsSection) {
  EXPECT_EQ(error_of(accounts + "hosts:\n  \"https://comind.network\": { max_concurrent: 1 }\n"),
            "atbackfill.yaml:3: hosts.\"https://comind.network\": \"https://comind.network\" "
            "expected the host or host:port of a PDS URL, not a URL");
  EXPECT_EQ(error_of(accounts + "hosts:\n  \"pds.test:0\": {}\n"),
            "atbackfill.yaml:3: hosts.\"pds.test:0\": \"pds.test:0\" has an invalid port "
            "(expected 1..65535)");
  EXPECT_EQ(error_of(accounts + "hosts:\n  a.test: {}\n  A.TEST: {}\n"),
            "atbackfill.yaml:4: hosts.\"A.TEST\": host \"a.test\" is listed twice");
  EXPECT_EQ(error_of(accounts + "hosts:\n  a.test: 5\n"),
            "atbackfill.yaml:3: hosts.\"a.test\": expected a map, got \"5\"");
}

TEST_F(ErrorTest, StatusAndNetworkSections) {
  EXPECT_EQ(error_of(accounts + "status:\n  listen: 9464\n"),
            "atbackfill.yaml:3: status.listen: \"9464\" needs a port between 1 and 65535 "
            "(expected host:port, e.g. \"127.0.0.1:9464\")");
  EXPECT_EQ(error_of(accounts + "status:\n  listen: \"local host:1\"\n"),
            "atbackfill.yaml:3: status.listen: \"local host:1\" is not a valid listen address "
            "(expected host:port, e.g. \"127.0.0.1:9464\")");
  EXPECT_EQ(error_of(accounts + "network:\n  allow_private_hosts: localhost\n"),
            "atbackfill.yaml:3: network.allow_private_hosts: expected a list of host names, got "
            "\"localhost\"");
  EXPECT_EQ(error_of(accounts + "network:\n  allow_private_hosts:\n    - localhost:2583\n"),
            "atbackfill.yaml:4: network.allow_private_hosts[0]: \"localhost:2583\" is not a host "
            "name or IP address (write it without a port)");
  EXPECT_EQ(error_of(accounts + "network:\n  user_agent: \"a\\r\\nX-Evil: 1\"\n"),
            "atbackfill.yaml:3: network.user_agent: must not contain control characters or line "
            "breaks");
}

TEST_F(ErrorTest, YamlSyntaxErrors) {
  EXPECT_EQ(error_of("accounts: [ { handle: a.test }\nsync: {}\n"),
            "atbackfill.yaml:2: invalid YAML: end of sequence flow not found");
  EXPECT_EQ(error_of(accounts + "sync:\n  page_size: 1\n   poll_interval: 5m\n"),
            "atbackfill.yaml:4: invalid YAML: illegal map value");
  EXPECT_EQ(error_of(accounts + "---\nsync: {}\n"),
            "atbackfill.yaml:3: the file holds more than one YAML document (remove the \"---\")");
}

TEST_F(ErrorTest, SourceNameIsShortenedToItsFileName) {
  try {
    (void)parse_text("sync: 1\n", "/etc/atbackfill/site.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_STREQ(error.what(), "site.yaml:1: sync: expected a map, got \"1\"");
  }
}

}  // namespace
}  // namespace atbackfill::config
