// A blocking HTTP/1.1 GET client over one connection, for tests that talk to a fixture directly.
#pragma once

#include <boost/system/error_code.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace atbackfill::testing {

struct FixtureResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  bool keep_alive = false;

  std::string header(const std::string& lowercase_name) const {
    const auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

class FixtureClient {
 public:
  // Connects to 127.0.0.1:port; throws std::system_error on failure.
  explicit FixtureClient(unsigned short port);
  ~FixtureClient();
  FixtureClient(const FixtureClient&) = delete;
  FixtureClient& operator=(const FixtureClient&) = delete;

  // nullopt when the connection broke before a whole response arrived (see last_error()).
  std::optional<FixtureResponse> get(const std::string& target, bool keep_alive = true);
  // Beast's error: http::error::end_of_stream (closed before any byte), partial_message (cut short), ...
  boost::system::error_code last_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection; throws std::runtime_error when no response arrives.
FixtureResponse fixture_get(unsigned short port, const std::string& target);

}  // namespace atbackfill::testing
