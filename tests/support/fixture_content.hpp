// What a fixture PDS/PLC holds, and the pure function that answers a request from it.
#pragma once

#include <map>
#include <string>

#include "support/fixture_pds.hpp"

namespace atbackfill::testing {

struct FixtureRecord {
  std::string value_json;  // served verbatim
  std::string cid;
};

struct FixtureAccount {
  std::string handle;  // lowercase
  bool deactivated = false;
  // collection -> rkey -> record; std::map orders rkeys bytewise, as the reference PDS's SQL does
  std::map<std::string, std::map<std::string, FixtureRecord>> collections;
};

struct FixtureContent {
  std::map<std::string, FixtureAccount> accounts;     // by DID: the repos hosted here
  std::map<std::string, std::string> did_documents;  // by DID: the PLC directory role
  bool reference_deactivation = false;  // deactivated repo -> "Could not find repo" (reference PDS)
};

// The normal answer to `request`: XRPC endpoints and GET /<did>.
FixtureReply route_request(const FixtureContent& content, const FixtureRequest& request);

}  // namespace atbackfill::testing
