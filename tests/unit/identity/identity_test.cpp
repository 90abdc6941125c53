// Handle -> DID parsing, the resolver's method order and both-ways check, and system DNS.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "identity/dns_txt.hpp"
#include "identity/handle_resolution.hpp"
#include "identity/resolver.hpp"
#include "../sync/fakes.hpp"

namespace atbackfill::identity {
namespace {

using testing::FakeHttp;

const std::string alice_did = "did:plc:aliceaaaaaaaaaaaaaaaaaaa";

std::string did_document(const std::string& did, const std::string& handle) {
  return R"({"id":")" + did + R"(","alsoKnownAs":["at://)" + handle +
         R"("],"service":[{"id":"#other","type":"Other","serviceEndpoint":"https://wrong.example"},)"
         R"({"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://pds.example/"}]})";
}

template <class T>
T run(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  std::optional<T> result;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
    if (e) std::rethrow_exception(e);
    result = std::move(value);
  });
  io.restart();
  io.run();
  return std::move(*result);
}

TEST(HandleResolution, TxtRecords) {
  EXPECT_EQ(*did_from_txt_records({"v=spf1", "did=" + alice_did}), alice_did);
  EXPECT_FALSE(did_from_txt_records({}).ok());
  EXPECT_FALSE(did_from_txt_records({"did=not-a-did"}).ok());
  EXPECT_FALSE(did_from_txt_records({"did=" + alice_did, "did=did:plc:bobaaaaaaaaaaaaaaaaaaaaa"}).ok());
  EXPECT_EQ(*did_from_txt_records({"did=" + alice_did, "did=" + alice_did}), alice_did);
}

TEST(HandleResolution, WellKnownAndXrpcBodies) {
  EXPECT_EQ(*did_from_well_known("  " + alice_did + "\n"), alice_did);
  EXPECT_FALSE(did_from_well_known("<html>").ok());
  EXPECT_EQ(*did_from_resolve_handle(R"({"did":")" + alice_did + "\"}"), alice_did);
  EXPECT_FALSE(did_from_resolve_handle(R"({"didnt":1})").ok());
  EXPECT_FALSE(did_from_resolve_handle("nope").ok());
}

struct ResolverHarness {
  boost::asio::io_context io;
  FakeHttp http;
  config::Settings::Identity settings;
  ResolverHarness() {
    settings.plc_url = "https://plc.test";
    settings.handle_resolver = "https://resolver.test";
    settings.handle_methods = {config::HandleMethod::well_known, config::HandleMethod::xrpc};
  }
};

TEST(Resolver, FallsBackToXrpcAndPicksTheAtprotoPdsService) {
  ResolverHarness h;
  h.http.route("https://alice.test/.well-known/atproto-did", [](const std::string&) { return FakeHttp::json(404, ""); });
  h.http.route("https://resolver.test/xrpc/com.atproto.identity.resolveHandle?handle=alice.test",
               [](const std::string&) { return FakeHttp::json(200, R"({"did":")" + alice_did + "\"}"); });
  h.http.route("https://plc.test/" + alice_did,
               [](const std::string&) { return FakeHttp::json(200, did_document(alice_did, "alice.test")); });
  Resolver resolver(h.http, nullptr, h.settings);
  const auto identity = run(h.io, resolver.resolve("Alice.Test"));
  ASSERT_TRUE(identity.ok()) << identity.error().message;
  EXPECT_EQ(identity->did, alice_did);
  EXPECT_EQ(identity->pds_url, "https://pds.example");
  EXPECT_TRUE(identity->handle_verified);
  EXPECT_TRUE(identity->warning.empty());
}

TEST(Resolver, AHandleMismatchIsAWarningNotAFailure) {
  ResolverHarness h;
  h.http.route("https://alice.test/.well-known/atproto-did",
               [](const std::string&) { return FakeHttp::json(200, alice_did); });
  h.http.route("https://plc.test/" + alice_did,
               [](const std::string&) { return FakeHttp::json(200, did_document(alice_did, "mallory.test")); });
  Resolver resolver(h.http, nullptr, h.settings);
  const auto identity = run(h.io, resolver.resolve("alice.test"));
  ASSERT_TRUE(identity.ok());
  EXPECT_FALSE(identity->handle_verified);
  EXPECT_NE(identity->warning.find("mallory.test"), std::string::npos);
}

TEST(Resolver, ByDidChecksTheClaimedHandleBack) {
  ResolverHarness h;
  h.http.route("https://plc.test/" + alice_did,
               [](const std::string&) { return FakeHttp::json(200, did_document(alice_did, "alice.test")); });
  h.http.route("https://alice.test/", [](const std::string&) { return FakeHttp::json(404, ""); });
  h.http.route("https://resolver.test/", [](const std::string&) {
    return FakeHttp::json(400, R"({"error":"HandleNotFound","message":"Unable to resolve handle"})");
  });
  Resolver resolver(h.http, nullptr, h.settings);
  const auto identity = run(h.io, resolver.resolve(alice_did));
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->handle, "alice.test");
  EXPECT_FALSE(identity->handle_verified);
  EXPECT_NE(identity->warning.find("does not resolve back"), std::string::npos);
}

TEST(Resolver, FailureNamesEveryMethodTried) {
  ResolverHarness h;
  Resolver resolver(h.http, nullptr, h.settings);
  const auto identity = run(h.io, resolver.resolve("ghost.test"));
  ASSERT_FALSE(identity.ok());
  EXPECT_NE(identity.error().message.find("well_known:"), std::string::npos);
  EXPECT_NE(identity.error().message.find("xrpc:"), std::string::npos);
}

// Repeated look-ups through the system resolver (each answered by whatever DNS this machine
// has, typically a failure offline): the point is that the coroutine plumbing around the
// blocking query neither crashes nor corrupts memory when used more than once.
TEST(SystemDnsResolver, RepeatedLookupsAreSafe) {
  boost::asio::io_context io;
  auto dns = make_system_dns_resolver();
  for (int i = 0; i < 3; ++i) {
    const auto records = run(io, dns->lookup_txt("_atproto.atbackfill-test-" + std::to_string(i) + ".invalid"));
    if (records.ok()) {
      EXPECT_TRUE(records->empty());
    } else {
      EXPECT_TRUE(records.error().retryable) << records.error().message;
    }
  }
}

}  // namespace
}  // namespace atbackfill::identity
