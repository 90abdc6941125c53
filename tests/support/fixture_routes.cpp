// The fixture's endpoints, answering as the reference PDS (@atproto/pds) and PLC directory do.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "support/fixture_content.hpp"

namespace atbackfill::testing {

namespace {

constexpr std::string_view json_type = "application/json; charset=utf-8";

FixtureReply json_reply(std::string body) {
  FixtureReply reply;
  reply.content_type = std::string(json_type);
  reply.body = std::move(body);
  return reply;
}

FixtureReply invalid_request(std::string_view message) { return xrpc_error(400, "InvalidRequest", message); }

FixtureReply missing_param(std::string_view name) {
  return invalid_request("Params must have the property \"" + std::string(name) + "\"");
}

std::optional<std::string> param(const FixtureRequest& request, const std::string& name) {
  const auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  return it->second;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_nsid(std::string_view text) {
  int segments = 0;
  while (true) {
    const auto dot = text.find('.');
    const std::string_view segment = text.substr(0, dot);
    if (segment.empty()) return false;
    for (const char c : segment)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    ++segments;
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  return segments >= 3;
}

// A repo parameter is a DID or a handle.
const std::pair<const std::string, FixtureAccount>* find_repo(const FixtureContent& content, const std::string& repo) {
  if (repo.starts_with("did:")) {
    const auto it = content.accounts.find(repo);
    return it == content.accounts.end() ? nullptr : &*it;
  }
  const std::string handle = lowercase(repo);
  for (const auto& entry : content.accounts)
    if (entry.second.handle == handle) return &entry;
  return nullptr;
}

std::string did_document_of(const FixtureContent& content, const std::string& did, const FixtureAccount& account,
                            const std::string& fallback_pds_url) {
  const auto it = content.did_documents.find(did);
  return it != content.did_documents.end() ? it->second : make_did_document(did, account.handle, fallback_pds_url);
}

// The handle the document claims (first at:// alsoKnownAs), empty if none or unreadable.
std::string claimed_handle(const std::string& document) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(document, ec);
  if (ec || !doc.is_object()) return {};
  const auto* aka = doc.as_object().if_contains("alsoKnownAs");
  if (aka == nullptr || !aka->is_array()) return {};
  for (const auto& entry : aka->as_array()) {
    if (!entry.is_string()) continue;
    const std::string_view text = entry.as_string();
    if (text.starts_with("at://")) return lowercase(text.substr(5));
  }
  return {};
}

FixtureReply unavailable_repo(const FixtureContent& content, const std::string& repo, const std::string& did,
                              std::string_view not_found_message) {
  if (content.reference_deactivation) return invalid_request(std::string(not_found_message) + repo);
  return xrpc_error(400, "RepoDeactivated", "Repo has been deactivated: " + did);
}

FixtureReply list_records(const FixtureContent& content, const FixtureRequest& request) {
  const auto repo = param(request, "repo");
  if (!repo) return missing_param("repo");
  const auto collection = param(request, "collection");
  if (!collection) return missing_param("collection");

  long long limit = 50;
  if (const auto text = param(request, "limit")) {
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (ec != std::errc{} || end != text->data() + text->size()) return invalid_request("limit must be an integer");
    if (limit < 1) return invalid_request("limit can not be less than 1");
    if (limit > 100) return invalid_request("limit can not be greater than 100");
  }
  bool reverse = false;
  if (const auto text = param(request, "reverse")) {
    if (*text != "true" && *text != "false") return invalid_request("reverse must be a boolean");
    reverse = *text == "true";
  }
  if (!is_nsid(*collection)) return invalid_request("collection must be a valid nsid");

  const auto* found = find_repo(content, *repo);
  if (found == nullptr) return invalid_request("Could not find repo: " + *repo);
  const auto& [did, account] = *found;
  if (account.deactivated) return unavailable_repo(content, *repo, did, "Could not find repo: ");

  const auto cursor = param(request, "cursor");
  std::string body = "{\"records\":[";
  std::string last_rkey;
  long long taken = 0;
  const auto add = [&](const std::string& rkey, const FixtureRecord& record) {
    if (taken > 0) body += ',';
    body += "{\"uri\":" + json_quote("at://" + did + "/" + *collection + "/" + rkey) +
            ",\"cid\":" + json_quote(record.cid) + ",\"value\":" + record.value_json + "}";
    last_rkey = rkey;
    ++taken;
  };
  if (const auto it = account.collections.find(*collection); it != account.collections.end()) {
    const auto& records = it->second;
    if (reverse) {
      for (auto r = cursor ? records.upper_bound(*cursor) : records.begin(); r != records.end() && taken < limit; ++r)
        add(r->first, r->second);
    } else {
      auto r = std::make_reverse_iterator(cursor ? records.lower_bound(*cursor) : records.end());
      for (; r != records.rend() && taken < limit; ++r) add(r->first, r->second);
    }
  }
  body += ']';
  if (taken > 0) body += ",\"cursor\":" + json_quote(last_rkey);
  body += '}';
  return json_reply(std::move(body));
}

FixtureReply describe_repo(const FixtureContent& content, const FixtureRequest& request, const std::string& self_url) {
  const auto repo = param(request, "repo");
  if (!repo) return missing_param("repo");
  const auto* found = find_repo(content, *repo);
  if (found == nullptr) return invalid_request("Could not find user: " + *repo);
  const auto& [did, account] = *found;
  if (account.deactivated) return unavailable_repo(content, *repo, did, "Could not find user: ");

  const std::string document = did_document_of(content, did, account, self_url);
  std::string collections;
  for (const auto& [name, records] : account.collections) {
    if (records.empty()) continue;
    if (!collections.empty()) collections += ',';
    collections += json_quote(name);
  }
  const bool handle_is_correct = claimed_handle(document) == account.handle;
  return json_reply("{\"handle\":" + json_quote(account.handle) + ",\"did\":" + json_quote(did) +
                    ",\"didDoc\":" + document + ",\"collections\":[" + collections +
                    "],\"handleIsCorrect\":" + (handle_is_correct ? "true" : "false") + "}");
}

FixtureReply resolve_handle(const FixtureContent& content, const FixtureRequest& request) {
  const auto handle = param(request, "handle");
  if (!handle) return missing_param("handle");
  const auto* found = find_repo(content, lowercase(*handle));
  if (found == nullptr || handle->starts_with("did:") || found->second.deactivated)
    return xrpc_error(400, "HandleNotFound", "Unable to resolve handle");
  return json_reply("{\"did\":" + json_quote(found->first) + "}");
}

FixtureReply get_repo_status(const FixtureContent& content, const FixtureRequest& request) {
  const auto did = param(request, "did");
  if (!did) return missing_param("did");
  const auto it = content.accounts.find(*did);
  if (it == content.accounts.end()) return xrpc_error(400, "RepoNotFound", "Could not find repo for DID: " + *did);
  if (it->second.deactivated)
    return json_reply("{\"did\":" + json_quote(*did) + ",\"active\":false,\"status\":\"deactivated\"}");
  return json_reply("{\"did\":" + json_quote(*did) + ",\"active\":true}");
}

FixtureReply plc_document(const FixtureContent& content, const std::string& did) {
  const auto it = content.did_documents.find(did);
  if (it == content.did_documents.end()) {
    FixtureReply reply = json_reply("{\"message\":" + json_quote("DID not registered: " + did) + "}");
    reply.status = 404;
    return reply;
  }
  return json_reply(it->second);
}

std::string self_url(const FixtureRequest& request) {
  const auto host = request.headers.find("host");
  return host == request.headers.end() ? std::string("http://localhost") : "http://" + host->second;
}

}  // namespace

FixtureReply route_request(const FixtureContent& content, const FixtureRequest& request) {
  const std::string_view path = request.path;
  if (path.starts_with("/xrpc/")) {
    if (request.method != "GET") return invalid_request("Incorrect HTTP method (" + request.method + ") expected GET");
    const std::string_view method = path.substr(6);
    if (method == "com.atproto.repo.listRecords") return list_records(content, request);
    if (method == "com.atproto.repo.describeRepo") return describe_repo(content, request, self_url(request));
    if (method == "com.atproto.identity.resolveHandle") return resolve_handle(content, request);
    if (method == "com.atproto.sync.getRepoStatus") return get_repo_status(content, request);
    if (method == "_health") return json_reply("{\"version\":\"fixture\"}");
    return xrpc_error(501, "MethodNotImplemented", "Method Not Implemented");
  }
  if (request.method == "GET" && path.starts_with("/did:")) return plc_document(content, std::string(path.substr(1)));
  return xrpc_error(404, "NotFound", "Not Found");
}

}  // namespace atbackfill::testing
