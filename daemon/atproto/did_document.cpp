// DID document interpretation (PDS endpoint, claimed handle) and DID document URLs.
#include "atproto/did_document.hpp"

#include <boost/json/value.hpp>

#include "atproto/json_util.hpp"
#include "atproto/syntax.hpp"

namespace atbackfill::atproto {
namespace {

std::string lowercase(std::string_view text) { return normalize_handle(text); }

// An absolute http(s) URL with a host and nothing that could smuggle in another request.
bool is_http_url(std::string_view url) {
  const std::string lower = lowercase(url.substr(0, 8));
  std::size_t host_start = 0;
  if (lower.starts_with("https://")) {
    host_start = 8;
  } else if (lower.starts_with("http://")) {
    host_start = 7;
  } else {
    return false;
  }
  if (url.size() == host_start || url[host_start] == '/' || url[host_start] == ':') return false;
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F) return false;
  }
  return true;
}

std::string_view strip_trailing_slashes(std::string_view url) {
  while (url.ends_with('/')) url.remove_suffix(1);
  return url;
}

bool is_host_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
  for (const char c : label) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  while (true) {
    const auto dot = host.find('.');
    if (!is_host_label(host.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    host.remove_prefix(dot + 1);
  }
}

bool is_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

}  // namespace

Expected<DidDocumentInfo> parse_did_document(std::string_view json_text, std::string_view expected_did) {
  auto parsed = parse_json(json_text, "DID document");
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return permanent_error("DID document is not a JSON object");
  const auto& doc = parsed->get_object();

  const auto id = string_member(doc, "id");
  if (!id) return permanent_error("DID document has no \"id\"");
  if (*id != expected_did) {
    return permanent_error("DID document is for " + std::string(*id) + ", expected " + std::string(expected_did));
  }

  DidDocumentInfo info;
  info.did = std::string(*id);

  if (const auto* aka = doc.if_contains("alsoKnownAs"); aka != nullptr && aka->is_array()) {
    for (const auto& entry : aka->get_array()) {
      if (!entry.is_string()) continue;
      const std::string_view text(entry.get_string().data(), entry.get_string().size());
      if (!text.starts_with("at://")) continue;
      // Only the first at:// entry counts; an invalid one means no handle is claimed.
      const std::string handle = lowercase(text.substr(5));
      if (is_valid_handle(handle)) info.handle = handle;
      break;
    }
  }

  const std::string full_id = info.did + "#atproto_pds";
  const auto* services = doc.if_contains("service");
  if (services != nullptr && services->is_array()) {
    for (const auto& entry : services->get_array()) {
      if (!entry.is_object()) continue;
      const auto& service = entry.get_object();
      const auto service_id = string_member(service, "id");
      const auto type = string_member(service, "type");
      if (!service_id || (*service_id != "#atproto_pds" && *service_id != full_id)) continue;
      if (!type || *type != "AtprotoPersonalDataServer") continue;
      const auto endpoint = string_member(service, "serviceEndpoint");
      if (!endpoint) return permanent_error("DID document for " + info.did + ": #atproto_pds has no string serviceEndpoint");
      if (!is_http_url(*endpoint)) {
        return permanent_error("DID document for " + info.did + ": #atproto_pds endpoint is not an http(s) URL: " +
                               std::string(endpoint->substr(0, 200)));
      }
      info.pds_endpoint = std::string(strip_trailing_slashes(*endpoint));
      return info;
    }
  }
  return permanent_error("DID document for " + info.did + " names no AtprotoPersonalDataServer #atproto_pds service");
}

Expected<std::string> did_document_url(std::string_view did, std::string_view plc_url) {
  if (!is_valid_did(did)) return permanent_error("not a valid DID: " + std::string(did.substr(0, 200)));
  if (did.starts_with("did:plc:")) {
    const std::string_view id = did.substr(8);
    // The identifier goes into a URL path as is: keep it to characters that need no escaping.
    if (id.find_first_of(":%") != std::string_view::npos) {
      return permanent_error("malformed did:plc identifier: " + std::string(did));
    }
    return std::string(strip_trailing_slashes(plc_url)) + "/" + std::string(did);
  }
  if (did.starts_with("did:web:")) {
    const std::string_view id = did.substr(8);
    if (id.find(':') != std::string_view::npos) {
      return permanent_error("did:web with a path is not supported: " + std::string(did));
    }
    std::string host_port;
    for (std::size_t i = 0; i < id.size(); ++i) {
      if (id[i] != '%') {
        host_port += id[i];
        continue;
      }
      if (id.substr(i, 3) != "%3A" && id.substr(i, 3) != "%3a") {
        return permanent_error("did:web may only percent-encode a port separator: " + std::string(did));
      }
      host_port += ':';
      i += 2;
    }
    const auto colon = host_port.find(':');
    const std::string host = lowercase(host_port.substr(0, colon));
    if (!is_host_name(host)) return permanent_error("did:web names an invalid host: " + std::string(did));
    if (colon != std::string::npos && !is_port(std::string_view(host_port).substr(colon + 1))) {
      return permanent_error("did:web names an invalid port: " + std::string(did));
    }
    std::string url = "https://" + host;
    if (colon != std::string::npos) url += host_port.substr(colon);
    return url + "/.well-known/did.json";
  }
  return permanent_error("unsupported DID method: " + std::string(did.substr(0, did.find(':', 4))));
}

}  // namespace atbackfill::atproto
