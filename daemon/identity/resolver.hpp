// Account identity resolution: handle -> DID -> DID document -> PDS, checked both ways.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

#include "atproto/did_document.hpp"
#include "config/settings.hpp"
#include "identity/dns_txt.hpp"
#include "identity/identity.hpp"
#include "net/http_client.hpp"
#include "util/expected.hpp"

namespace atbackfill::identity {

class Resolver {
 public:
  // `dns` may be null when the dns method is not configured.
  Resolver(net::HttpClient& http, DnsTxtResolver* dns, config::Settings::Identity settings);

  // Handle -> DID by the configured methods in order (DNS TXT, HTTPS well-known, XRPC
  // resolveHandle); the first that yields a DID wins.
  boost::asio::awaitable<Expected<std::string>> resolve_handle(std::string handle);

  // DID -> parsed DID document (did:plc via the PLC directory, did:web via well-known).
  boost::asio::awaitable<Expected<atproto::DidDocumentInfo>> fetch_did_document(std::string did);

  // A configured handle or DID -> full identity. The handle is verified only when both
  // directions agree; a mismatch is a warning on the identity, not a failure.
  boost::asio::awaitable<Expected<Identity>> resolve(std::string handle_or_did);

 private:
  boost::asio::awaitable<Expected<std::string>> try_method(config::HandleMethod method, const std::string& handle);
  boost::asio::awaitable<Expected<Identity>> resolve_from_handle(std::string handle);
  boost::asio::awaitable<Expected<Identity>> resolve_from_did(std::string did);

  net::HttpClient& http_;
  DnsTxtResolver* dns_;
  config::Settings::Identity settings_;
};

}  // namespace atbackfill::identity
