#include "identity/dns_txt.hpp"

#include <arpa/nameser.h>
#include <netinet/in.h>
#include <resolv.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <cstring>

namespace atbackfill::identity {
namespace {

// Blocking look-up with a private resolver state (res_nquery is thread-safe with its own state).
Expected<std::vector<std::string>> query_txt(const std::string& name) {
  struct __res_state state;
  std::memset(&state, 0, sizeof state);
  if (res_ninit(&state) != 0) return retryable_error("DNS resolver initialisation failed");
  state.retrans = 2;  // seconds per try; the defaults (5 s x 2) stall start-up when offline
  state.retry = 2;
  std::array<unsigned char, 8192> answer{};
  const int length = res_nquery(&state, name.c_str(), ns_c_in, ns_t_txt, answer.data(), answer.size());
  const int herrno = state.res_h_errno;
  res_nclose(&state);
  if (length < 0) {
    if (herrno == HOST_NOT_FOUND || herrno == NO_DATA) return std::vector<std::string>{};
    return retryable_error("DNS TXT query for " + name + " failed: " + hstrerror(herrno));
  }
  ns_msg message;
  if (ns_initparse(answer.data(), length, &message) != 0) return retryable_error("DNS TXT answer for " + name + " is malformed");
  std::vector<std::string> records;
  const int count = ns_msg_count(message, ns_s_an);
  for (int i = 0; i < count; ++i) {
    ns_rr rr;
    if (ns_parserr(&message, ns_s_an, i, &rr) != 0) continue;
    if (ns_rr_type(rr) != ns_t_txt) continue;
    // RDATA is a sequence of <length byte><bytes> character-strings.
    const unsigned char* data = ns_rr_rdata(rr);
    const unsigned char* end = data + ns_rr_rdlen(rr);
    std::string text;
    while (data < end) {
      const std::size_t part = *data++;
      if (part > static_cast<std::size_t>(end - data)) break;
      text.append(reinterpret_cast<const char*>(data), part);
      data += part;
    }
    records.push_back(std::move(text));
  }
  return records;
}

class SystemDnsResolver final : public DnsTxtResolver {
 public:
  ~SystemDnsResolver() override {
    pool_.stop();  // queued look-ups are abandoned; a running one finishes (bounded by its timeouts)
    pool_.join();
  }

  boost::asio::awaitable<Expected<std::vector<std::string>>> lookup_txt(std::string name) override {
    // A named closure: GCC 12 destroys a closure temporary (and its captured string) twice
    // when it is created inside a co_await expression.
    auto blocking_query = [name = std::move(name)]() -> boost::asio::awaitable<Expected<std::vector<std::string>>> {
      co_return query_txt(name);
    };
    co_return co_await boost::asio::co_spawn(pool_, std::move(blocking_query), boost::asio::use_awaitable);
  }

 private:
  boost::asio::thread_pool pool_{2};
};

}  // namespace

std::unique_ptr<DnsTxtResolver> make_system_dns_resolver() { return std::make_unique<SystemDnsResolver>(); }

}  // namespace atbackfill::identity
