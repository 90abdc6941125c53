// What the daemon knows about an account: its DID, its handle and the PDS that serves it.
#pragma once

#include <optional>
#include <string>

namespace atbackfill::identity {

struct Identity {
  std::string did;
  std::optional<std::string> handle;  // handle the DID document claims (or the configured one)
  bool handle_verified = false;       // handle -> DID and DID -> handle agree
  std::string pds_url;                // base URL, no trailing slash
  std::string warning;                // e.g. handle mismatch; empty when none
};

}  // namespace atbackfill::identity
