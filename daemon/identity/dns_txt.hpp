// DNS TXT look-ups (for `_atproto.<handle>`), behind an interface so tests can fake them.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <vector>

#include "util/expected.hpp"

namespace atbackfill::identity {

class DnsTxtResolver {
 public:
  virtual ~DnsTxtResolver() = default;
  // The TXT strings at `name` (each record's character-strings concatenated). NXDOMAIN or
  // no TXT records give an empty list; a failed look-up (timeout, SERVFAIL) gives a
  // retryable Error.
  virtual boost::asio::awaitable<Expected<std::vector<std::string>>> lookup_txt(std::string name) = 0;
};

// The system resolver (libresolv, /etc/resolv.conf). The blocking query runs on a small
// thread pool of its own so the io_context thread never waits on DNS.
std::unique_ptr<DnsTxtResolver> make_system_dns_resolver();

}  // namespace atbackfill::identity
