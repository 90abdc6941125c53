// XRPC error responses: {"error":"Name","message":"..."}, or HTML/empty from proxies. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace atbackfill::atproto {

struct XrpcError {
  unsigned status = 0;
  std::string name;     // "InvalidRequest", "RateLimitExceeded", ... or "" when not XRPC JSON
  std::string message;  // server's message, or a short excerpt of a non-JSON body
  bool retryable = false;     // 429, 5xx, 408: worth retrying later
  bool repo_missing = false;  // RepoNotFound / "Could not find repo|user": identity may have moved
  bool repo_unavailable = false;  // RepoDeactivated / RepoTakendown / RepoSuspended

  std::string describe() const;  // one line for logs: "400 InvalidRequest: Could not find repo: did:..."
};

XrpcError decode_xrpc_error(unsigned status, std::string_view body);

}  // namespace atbackfill::atproto
