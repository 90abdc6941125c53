// parse_did_document and did_document_url: the PDS service, the claimed handle, DID URLs.
#include "atproto/did_document.hpp"

#include <gtest/gtest.h>

#include <string>

namespace atbackfill::atproto {
namespace {

constexpr std::string_view did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";

std::string doc_with(std::string_view services, std::string_view aka = R"(["at://alice.a.test"])",
                     std::string_view id = did) {
  return R"({"@context":["https://www.w3.org/ns/did/v1"],"id":")" + std::string(id) + R"(","alsoKnownAs":)" +
         std::string(aka) +
         R"(,"verificationMethod":[{"id":"#atproto","type":"Multikey","publicKeyMultibase":"zQ3sh"}],"service":)" +
         std::string(services) + "}";
}

constexpr std::string_view pds_service =
    R"({"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"http://localhost:2583"})";

TEST(DidDocument, ParsesReferencePlcDocument) {
  const auto info = parse_did_document(doc_with("[" + std::string(pds_service) + "]"), did);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->did, did);
  EXPECT_EQ(info->handle, "alice.a.test");
  EXPECT_EQ(info->pds_endpoint, "http://localhost:2583");
}

TEST(DidDocument, AcceptsFullyQualifiedServiceIdAndStripsSlash) {
  const std::string services = R"([{"id":")" + std::string(did) +
                               R"(#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://pds.example.com/"}])";
  const auto info = parse_did_document(doc_with(services), did);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->pds_endpoint, "https://pds.example.com");
}

TEST(DidDocument, FindsPdsWhenNotFirstAndIgnoresLookalikes) {
  const std::string services =
      R"([{"id":"#bsky_notif","type":"BskyNotificationService","serviceEndpoint":"https://notif.example"},)"
      R"({"id":"#atproto_pds","type":"SomethingElse","serviceEndpoint":"https://wrong-type.example"},)"
      R"({"id":"#atproto_labeler","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://wrong-id.example"},)"
      R"({"id":"did:plc:other#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://other-did.example"},)"
      R"("junk",)"
      R"({"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://right.example"}])";
  const auto info = parse_did_document(doc_with(services), did);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->pds_endpoint, "https://right.example");
}

TEST(DidDocument, FailsWithoutUsablePds) {
  const std::vector<std::string> services = {
      "[]",
      R"([{"id":"#atproto_pds","type":"SomethingElse","serviceEndpoint":"https://x.example"}])",
      R"([{"id":"#other","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://x.example"}])",
      R"([{"id":"#atproto_pds","type":"AtprotoPersonalDataServer"}])",
      R"([{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":{"uri":"https://x.example"}}])",
      R"([{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"ftp://x.example"}])",
      R"([{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"x.example"}])",
      R"([{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://"}])",
      R"([{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://a b.example"}])",
      R"("not an array")",
  };
  for (const auto& s : services) {
    const auto info = parse_did_document(doc_with(s), did);
    EXPECT_FALSE(info.ok()) << s;
    if (!info.ok()) {
      EXPECT_FALSE(info.error().message.empty());
    }
  }
}

TEST(DidDocument, FailsOnIdMismatchOrMalformedJson) {
  const std::string services = "[" + std::string(pds_service) + "]";
  const auto other = parse_did_document(doc_with(services, R"([])", "did:plc:someoneelse"), did);
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.error().message.find("did:plc:someoneelse"), std::string::npos);
  EXPECT_FALSE(parse_did_document("", did).ok());
  EXPECT_FALSE(parse_did_document("<html>", did).ok());
  EXPECT_FALSE(parse_did_document("[]", did).ok());
  EXPECT_FALSE(parse_did_document(R"({"service":[]})", did).ok());
}

TEST(DidDocument, HandleFromFirstAtUriEntry) {
  const std::string services = "[" + std::string(pds_service) + "]";
  const auto handle_of = [&](std::string_view aka) {
    const auto info = parse_did_document(doc_with(services, aka), did);
    EXPECT_TRUE(info.ok());
    return info.ok() ? info->handle : std::optional<std::string>("<error>");
  };
  EXPECT_EQ(handle_of(R"(["https://example.com","at://Alice.Example.COM","at://second.example"])"),
            "alice.example.com");
  EXPECT_EQ(handle_of(R"([])"), std::nullopt);
  EXPECT_EQ(handle_of(R"(["https://alice.example.com"])"), std::nullopt);
  EXPECT_EQ(handle_of(R"(["at://not a handle","at://valid.example"])"), std::nullopt);
  EXPECT_EQ(handle_of(R"([42,"at://valid.example"])"), "valid.example");
  EXPECT_EQ(handle_of(R"("at://not.an.array")"), std::nullopt);
  const auto no_aka = parse_did_document(R"({"id":")" + std::string(did) + R"(","service":)" + services + "}", did);
  ASSERT_TRUE(no_aka.ok());
  EXPECT_FALSE(no_aka->handle);
}

TEST(DidDocumentUrl, PlcAndWeb) {
  EXPECT_EQ(did_document_url(did, "https://plc.directory").value(), "https://plc.directory/" + std::string(did));
  EXPECT_EQ(did_document_url(did, "http://localhost:2582/").value(), "http://localhost:2582/" + std::string(did));
  EXPECT_EQ(did_document_url("did:web:example.com", "").value(), "https://example.com/.well-known/did.json");
  EXPECT_EQ(did_document_url("did:web:Example.COM", "").value(), "https://example.com/.well-known/did.json");
  EXPECT_EQ(did_document_url("did:web:example.com%3A8080", "").value(),
            "https://example.com:8080/.well-known/did.json");
  EXPECT_EQ(did_document_url("did:web:localhost%3a2583", "").value(), "https://localhost:2583/.well-known/did.json");
}

TEST(DidDocumentUrl, Rejects) {
  for (const std::string input :
       {"did:web:example.com:path", "did:web:example.com%2Fx", "did:web:example.com%3A", "did:web:example.com%3A99999",
        "did:web:example.com%3Aabc", "did:web:-bad.example", "did:web:bad..example", "did:key:zQ3shabc",
        "did:example:123", "not-a-did", "did:plc:abc:def", "did:plc:abc%41"}) {
    EXPECT_FALSE(did_document_url(input, "https://plc.directory").ok()) << input;
  }
}

}  // namespace
}  // namespace atbackfill::atproto
