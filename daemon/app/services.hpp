// Builds the daemon's long-lived services from the settings (shared by run and resolve).
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <memory>

#include "config/settings.hpp"
#include "identity/dns_txt.hpp"
#include "identity/resolver.hpp"
#include "net/beast_http_client.hpp"
#include "sync/sync_context.hpp"
#include "throttle/throttled_http_client.hpp"

namespace atbackfill::app {

// The HTTP stack and identity resolver. Members are declared in dependency order so they
// are destroyed in reverse: the resolver before the client it uses.
struct NetworkServices {
  std::unique_ptr<net::ClosableHttpClient> transport;
  std::unique_ptr<throttle::ThrottledHttpClient> http;  // every request goes through the host throttles
  std::unique_ptr<identity::DnsTxtResolver> dns;        // null when "dns" is not a handle method
  std::unique_ptr<identity::Resolver> resolver;
};

NetworkServices make_network_services(boost::asio::any_io_executor executor, const config::Settings& settings);

sync::SyncOptions sync_options(const config::Settings& settings, bool once);

}  // namespace atbackfill::app
