#include "identity/resolver.hpp"

#include "atproto/syntax.hpp"
#include "atproto/xrpc_error.hpp"
#include "identity/handle_resolution.hpp"
#include "net/url.hpp"

namespace atbackfill::identity {
namespace {

const char* method_name(config::HandleMethod method) {
  switch (method) {
    case config::HandleMethod::dns: return "dns";
    case config::HandleMethod::well_known: return "well_known";
    case config::HandleMethod::xrpc: return "xrpc";
  }
  return "?";
}

// A non-200 answer as an Error that keeps the server's own words and retryability.
Error http_failure(const std::string& what, const net::Response& response) {
  const auto xrpc = atproto::decode_xrpc_error(response.status, response.body);
  return Error{what + ": " + xrpc.describe(), xrpc.retryable};
}

}  // namespace

Resolver::Resolver(net::HttpClient& http, DnsTxtResolver* dns, config::Settings::Identity settings)
    : http_(http), dns_(dns), settings_(std::move(settings)) {}

boost::asio::awaitable<Expected<std::string>> Resolver::try_method(config::HandleMethod method,
                                                                    const std::string& handle) {
  switch (method) {
    case config::HandleMethod::dns: {
      if (dns_ == nullptr) co_return permanent_error("DNS resolution is not available");
      auto records = co_await dns_->lookup_txt("_atproto." + handle);
      if (!records) co_return records.error();
      co_return did_from_txt_records(*records);
    }
    case config::HandleMethod::well_known: {
      auto response = co_await http_.get("https://" + handle + "/.well-known/atproto-did");
      if (!response) co_return response.error();
      if (response->status != 200) co_return http_failure("well-known", *response);
      co_return did_from_well_known(response->body);
    }
    case config::HandleMethod::xrpc: {
      auto response = co_await http_.get(settings_.handle_resolver +
                                         "/xrpc/com.atproto.identity.resolveHandle?handle=" + net::url_encode(handle));
      if (!response) co_return response.error();
      if (response->status != 200) co_return http_failure("resolveHandle", *response);
      co_return did_from_resolve_handle(response->body);
    }
  }
  co_return permanent_error("unknown handle resolution method");
}

boost::asio::awaitable<Expected<std::string>> Resolver::resolve_handle(std::string handle) {
  handle = atproto::normalize_handle(handle);
  if (!atproto::is_valid_handle(handle)) co_return permanent_error("\"" + handle + "\" is not a valid handle");
  std::string failures;
  bool any_retryable = false;
  for (const auto method : settings_.handle_methods) {
    auto did = co_await try_method(method, handle);
    if (did) co_return did;
    any_retryable = any_retryable || did.error().retryable;
    if (!failures.empty()) failures += "; ";
    failures += std::string(method_name(method)) + ": " + did.error().message;
  }
  co_return Error{"cannot resolve handle " + handle + " (" + failures + ")", any_retryable};
}

boost::asio::awaitable<Expected<atproto::DidDocumentInfo>> Resolver::fetch_did_document(std::string did) {
  auto url = atproto::did_document_url(did, settings_.plc_url);
  if (!url) co_return url.error();
  auto response = co_await http_.get(*url);
  if (!response) co_return response.error();
  if (response->status != 200) co_return http_failure("DID document of " + did, *response);
  auto document = atproto::parse_did_document(response->body, did);
  if (!document) co_return Error{"DID document of " + did + ": " + document.error().message, false};
  co_return document;
}

boost::asio::awaitable<Expected<Identity>> Resolver::resolve_from_handle(std::string handle) {
  auto did = co_await resolve_handle(handle);
  if (!did) co_return did.error();
  auto document = co_await fetch_did_document(*did);
  if (!document) co_return document.error();
  Identity identity{*did, handle, false, document->pds_endpoint, ""};
  if (document->handle == handle) {
    identity.handle_verified = true;
  } else {
    identity.warning = "handle " + handle + " resolves to " + *did + " but its DID document claims " +
                       (document->handle ? *document->handle : std::string("no handle"));
  }
  co_return identity;
}

boost::asio::awaitable<Expected<Identity>> Resolver::resolve_from_did(std::string did) {
  auto document = co_await fetch_did_document(did);
  if (!document) co_return document.error();
  Identity identity{did, document->handle, false, document->pds_endpoint, ""};
  if (!document->handle) {
    identity.warning = "DID document of " + did + " claims no handle";
    co_return identity;
  }
  auto back = co_await resolve_handle(*document->handle);
  if (back && *back == did) {
    identity.handle_verified = true;
  } else {
    identity.warning = "handle " + *document->handle + " claimed by " + did + " does not resolve back to it" +
                       (back ? " (it resolves to " + *back + ")" : " (" + back.error().message + ")");
  }
  co_return identity;
}

boost::asio::awaitable<Expected<Identity>> Resolver::resolve(std::string handle_or_did) {
  if (handle_or_did.starts_with("did:")) {
    if (!atproto::is_valid_did(handle_or_did)) co_return permanent_error("\"" + handle_or_did + "\" is not a valid DID");
    co_return co_await resolve_from_did(std::move(handle_or_did));
  }
  co_return co_await resolve_from_handle(atproto::normalize_handle(handle_or_did));
}

}  // namespace atbackfill::identity
