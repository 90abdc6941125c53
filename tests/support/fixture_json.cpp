// Text builders for the fixture PDS: JSON strings, XRPC errors, DID documents, TIDs, fake CIDs.
#include <cstdio>
#include <string>
#include <string_view>

#include "support/fixture_pds.hpp"

namespace atbackfill::testing {

namespace {
constexpr std::string_view sortable_base32 = "234567abcdefghijklmnopqrstuvwxyz";
constexpr std::string_view cid_base32 = "abcdefghijklmnopqrstuvwxyz234567";

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
}  // namespace

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out.push_back(c);
        }
    }
  }
  out += '"';
  return out;
}

FixtureReply xrpc_error(unsigned status, std::string_view name, std::string_view message) {
  FixtureReply reply;
  reply.status = status;
  reply.content_type = "application/json; charset=utf-8";
  reply.body = "{\"error\":" + json_quote(name) + ",\"message\":" + json_quote(message) + "}";
  return reply;
}

std::string make_did_document(const std::string& did, const std::string& handle, const std::string& pds_url) {
  const std::string id = json_quote(did);
  return "{\"@context\":[\"https://www.w3.org/ns/did/v1\",\"https://w3id.org/security/multikey/v1\","
         "\"https://w3id.org/security/suites/secp256k1-2019/v1\"],"
         "\"id\":" + id + ",\"alsoKnownAs\":[" + json_quote("at://" + handle) + "],"
         "\"verificationMethod\":[{\"id\":" + json_quote(did + "#atproto") +
         ",\"type\":\"Multikey\",\"controller\":" + id +
         ",\"publicKeyMultibase\":\"zQ3shunBKsXixLxKtC5qeSG9E4J5RkGN57im31pcTzbNQnm5w\"}],"
         "\"service\":[{\"id\":\"#atproto_pds\",\"type\":\"AtprotoPersonalDataServer\","
         "\"serviceEndpoint\":" + json_quote(pds_url) + "}]}";
}

std::string make_tid(std::uint64_t unix_micros, unsigned clock_id) {
  // 1 zero bit, 53 bits of microseconds, 10 bits of clock id, 5 bits per character.
  const std::uint64_t value = ((unix_micros & ((1ull << 53) - 1)) << 10) | (clock_id & 0x3ffu);
  std::string out(13, '2');
  for (int i = 0; i < 13; ++i) out[static_cast<std::size_t>(i)] = sortable_base32[(value >> (60 - 5 * i)) & 31];
  return out;
}

std::string fake_cid(std::string_view value_json) {
  std::uint64_t state = fnv1a(value_json);
  std::string out = "bafyrei";
  for (int i = 0; i < 52; ++i) out.push_back(cid_base32[splitmix(state) & 31]);
  return out;
}

}  // namespace atbackfill::testing
