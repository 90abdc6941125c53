#include "app/services.hpp"

#include <algorithm>

namespace atbackfill::app {

NetworkServices make_network_services(boost::asio::any_io_executor executor, const config::Settings& settings) {
  net::ClientOptions client;
  client.connect_timeout = settings.network.connect_timeout;
  client.request_timeout = settings.network.request_timeout;
  client.max_response_bytes = settings.network.max_response_bytes;
  client.user_agent = settings.network.user_agent;
  client.allow_private_hosts = settings.network.allow_private_hosts;

  NetworkServices services;
  services.transport = net::make_http_client(executor, std::move(client));
  services.http = std::make_unique<throttle::ThrottledHttpClient>(
      *services.transport, [&settings](const std::string& host_key) { return settings.limits_for(host_key); });
  const auto& methods = settings.identity.handle_methods;
  if (std::find(methods.begin(), methods.end(), config::HandleMethod::dns) != methods.end())
    services.dns = identity::make_system_dns_resolver();
  services.resolver = std::make_unique<identity::Resolver>(*services.http, services.dns.get(), settings.identity);
  return services;
}

sync::SyncOptions sync_options(const config::Settings& settings, bool once) {
  sync::SyncOptions options;
  options.page_size = settings.sync.page_size;
  options.poll_interval = settings.sync.poll_interval;
  options.identity_ttl = settings.identity.cache_ttl;
  options.rescan_interval = settings.sync.rescan_interval;
  options.retry.max_attempts = settings.sync.retry_attempts;
  options.retry.initial_delay = settings.sync.retry_initial_delay;
  options.retry.max_delay = settings.sync.retry_max_delay;
  options.once = once;
  return options;
}

}  // namespace atbackfill::app
