#include "identity/handle_resolution.hpp"

#include <boost/json/parse.hpp>

#include "atproto/syntax.hpp"

namespace atbackfill::identity {
namespace {

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string excerpt(std::string_view text) {
  constexpr std::size_t max_length = 80;
  std::string out(text.substr(0, max_length));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  if (text.size() > max_length) out += "...";
  return out;
}

}  // namespace

Expected<std::string> did_from_txt_records(const std::vector<std::string>& records) {
  constexpr std::string_view prefix = "did=";
  std::string found;
  for (const auto& record : records) {
    std::string_view text = trim(record);
    if (!text.starts_with(prefix)) continue;
    text.remove_prefix(prefix.size());
    if (!atproto::is_valid_did(text)) return permanent_error("TXT record names an invalid DID \"" + excerpt(text) + "\"");
    if (!found.empty() && found != text) return permanent_error("TXT records name more than one DID");
    found = std::string(text);
  }
  if (found.empty()) return permanent_error("no \"did=\" TXT record");
  return found;
}

Expected<std::string> did_from_well_known(std::string_view body) {
  const std::string_view text = trim(body);
  if (!atproto::is_valid_did(text)) return permanent_error("well-known body is not a DID: \"" + excerpt(text) + "\"");
  return std::string(text);
}

Expected<std::string> did_from_resolve_handle(std::string_view body) {
  boost::system::error_code ec;
  const auto json = boost::json::parse(body, ec);
  if (ec || !json.is_object()) return permanent_error("resolveHandle answer is not a JSON object: \"" + excerpt(body) + "\"");
  const auto* did = json.as_object().if_contains("did");
  if (did == nullptr || !did->is_string()) return permanent_error("resolveHandle answer has no \"did\"");
  const std::string_view text(did->as_string());
  if (!atproto::is_valid_did(text)) return permanent_error("resolveHandle answer names an invalid DID \"" + excerpt(text) + "\"");
  return std::string(text);
}

}  // namespace atbackfill::identity
