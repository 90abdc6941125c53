// Classification of XRPC error responses, including the HTML and empty bodies of proxies.
#include "atproto/xrpc_error.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "atproto/json_util.hpp"
#include "atproto/text_excerpt.hpp"

namespace atbackfill::atproto {
namespace {

constexpr std::size_t max_message_bytes = 300;
constexpr std::size_t max_excerpt_bytes = 200;

bool is_retryable_status(unsigned status) {
  return status == 408 || status == 425 || status == 429 || status >= 500;
}

}  // namespace

XrpcError decode_xrpc_error(unsigned status, std::string_view body) {
  XrpcError error;
  error.status = status;
  error.retryable = is_retryable_status(status);

  boost::json::parse_options options;
  options.allow_invalid_utf8 = true;
  boost::json::error_code ec;
  const boost::json::value parsed = boost::json::parse(body, ec, {}, options);
  if (!ec && parsed.is_object()) {
    const auto& object = parsed.get_object();
    if (const auto name = string_member(object, "error")) error.name = text_excerpt(*name, 100);
    if (const auto message = string_member(object, "message")) error.message = text_excerpt(*message, max_message_bytes);
  }
  if (error.name.empty() && error.message.empty()) error.message = text_excerpt(body, max_excerpt_bytes, true);

  // The reference PDS says "Could not find repo" on listRecords and "Could not find user" on
  // describeRepo for a DID it does not host.
  error.repo_missing = error.name == "RepoNotFound" || error.message.starts_with("Could not find repo") ||
                       error.message.starts_with("Could not find user");
  error.repo_unavailable =
      error.name == "RepoDeactivated" || error.name == "RepoTakendown" || error.name == "RepoSuspended";
  if (error.name == "RateLimitExceeded") error.retryable = true;  // whatever status it came with
  return error;
}

std::string XrpcError::describe() const {
  std::string line = std::to_string(status);
  if (!name.empty()) line += " " + name;
  if (!message.empty()) {
    line += name.empty() ? " " : ": ";
    line += message;
  } else if (name.empty()) {
    line += " (empty body)";
  }
  return line;
}

}  // namespace atbackfill::atproto
