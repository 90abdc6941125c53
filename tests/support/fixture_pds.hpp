// An in-process stand-in for a PDS and a PLC directory, serving plain HTTP/1.1 on loopback.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace atbackfill::testing {

class FixtureHttpServer;
struct FixtureState;

// One request as the fixture received it.
struct FixtureRequest {
  std::string method;  // "GET", ...
  std::string path;    // percent-decoded path, without the query ("/xrpc/com.atproto.repo.listRecords")
  std::map<std::string, std::string> query;    // percent-decoded; a repeated key keeps its last value
  std::map<std::string, std::string> headers;  // names lowercased
  std::string target;                          // the request target exactly as sent
  std::size_t connection_id = 0;               // same value for requests on one kept-alive connection
  std::chrono::steady_clock::time_point received_at;
};

// What to answer. Content-Length, Content-Type and Connection are always sent by the fixture;
// `headers` come on top (e.g. "ratelimit-reset", "retry-after").
struct FixtureReply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  enum class Mode {
    normal,
    close_without_response,  // close the connection without writing anything
    truncated_body,          // headers announce more than is sent, half the body, then close
    trickle,                 // the body in `trickle_chunk` byte pieces, `trickle_delay` apart
  };
  Mode mode = Mode::normal;
  std::chrono::milliseconds trickle_delay{0};
  std::size_t trickle_chunk = 16;
};

// An XRPC error reply: {"error":name,"message":message}.
FixtureReply xrpc_error(unsigned status, std::string_view name, std::string_view message);

// Serves, on its own thread, from content the test mutates under a mutex:
//   GET /xrpc/com.atproto.repo.listRecords    (reference PDS paging: cursor = last rkey on
//                                              every non-empty page, none on an empty one)
//   GET /xrpc/com.atproto.repo.describeRepo
//   GET /xrpc/com.atproto.identity.resolveHandle
//   GET /xrpc/com.atproto.sync.getRepoStatus
//   GET /<did>                                (PLC directory role: the DID document)
// One instance may play PDS and PLC at once; two instances make two hosts. The server thread
// starts in the constructor and is joined in the destructor. Every public member is safe to
// call from any thread, including from a hook or on_request callback.
class FixturePds {
 public:
  // `port` 0 picks a free ephemeral port.
  explicit FixturePds(std::string bind_address = "127.0.0.1", unsigned short port = 0);
  ~FixturePds();
  FixturePds(const FixturePds&) = delete;
  FixturePds& operator=(const FixturePds&) = delete;

  unsigned short port() const;
  std::string url() const;            // "http://127.0.0.1:PORT", no trailing slash
  std::string localhost_url() const;  // "http://localhost:PORT"

  // ---- content ----
  // Hosts `did` here and registers its DID document (PLC role) naming `pds_url_in_doc`.
  // Adding an existing account changes its handle and document but keeps its records.
  void add_account(const std::string& did, const std::string& handle, const std::string& pds_url_in_doc);
  // Stops hosting `did` (its records go too): listRecords then says "Could not find repo",
  // as the old host of a migrated account does. The DID document stays.
  void remove_account(const std::string& did);
  // What GET /<did> returns from now on (PLC role); the account need not be hosted here.
  void set_did_document(const std::string& did, std::string json);
  void remove_did_document(const std::string& did);

  // `value_json` is served byte for byte as given. An empty `cid` means fake_cid(value_json).
  // Throws std::logic_error when `did` is not hosted here.
  void put_record(const std::string& did, const std::string& collection, const std::string& rkey,
                  std::string value_json, std::string cid = "");
  void delete_record(const std::string& did, const std::string& collection, const std::string& rkey);
  // Adds `count` records whose rkeys are TIDs greater than every TID this fixture made before,
  // with values {"$type":collection,"text":...,"createdAt":...,"n":...}. Returns the rkeys.
  std::vector<std::string> add_records(const std::string& did, const std::string& collection, int count);
  std::size_t record_count(const std::string& did, const std::string& collection) const;

  // A deactivated account answers listRecords with 400 RepoDeactivated (or, after
  // set_reference_deactivation(true), 400 InvalidRequest "Could not find repo", which is what
  // the reference PDS says); resolveHandle then fails and getRepoStatus says "deactivated".
  void set_deactivated(const std::string& did, bool deactivated);
  void set_reference_deactivation(bool could_not_find_repo);

  // ---- faults and timing ----
  // Called on the server thread for every request before normal handling; a reply it returns
  // is sent instead. default_reply() gives the normal answer, so a hook may alter it.
  using Hook = std::function<std::optional<FixtureReply>(const FixtureRequest&)>;
  void set_hook(Hook hook);
  FixtureReply default_reply(const FixtureRequest& request) const;
  // Called on the server thread when a request arrives, before the reply is computed.
  void set_on_request(std::function<void(const FixtureRequest&)> callback);
  // Every reply is held back this long (by a timer: other connections keep being served).
  void set_latency(std::chrono::milliseconds latency);
  // While held, replies are computed but not sent; releasing sends them all. With
  // wait_for_requests() this makes concurrency observable without relying on timing.
  void hold_replies(bool hold);

  // ---- observed traffic ----
  std::vector<FixtureRequest> requests() const;  // all, in arrival order
  std::size_t count(std::string_view path) const;  // requests whose decoded path equals `path`
  std::size_t request_count() const;
  // Waits until count(path) >= n (or request_count() >= n); false on timeout.
  bool wait_for_count(std::string_view path, std::size_t n, std::chrono::milliseconds timeout) const;
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;
  void clear_requests();
  // Highest number of requests being handled at once since start or the last reset
  // (from the moment a request is read until the last bytes of its reply are handed to the
  // socket, so a client that reacts to a reply never finds that request still counted).
  std::size_t max_in_flight() const;
  void reset_max_in_flight();

 private:
  FixtureReply handle(const FixtureRequest& request);

  std::unique_ptr<FixtureState> state_;
  std::unique_ptr<FixtureHttpServer> server_;  // declared last: stopped before the state goes
};

// A DID document in the reference PLC's shape naming `handle` and the PDS at `pds_url`.
std::string make_did_document(const std::string& did, const std::string& handle, const std::string& pds_url);

// A TID (13 base32-sortable characters) for a time in microseconds since the Unix epoch.
std::string make_tid(std::uint64_t unix_micros, unsigned clock_id = 0);

// A CID-looking string ("bafyrei" + 52 base32 characters) that changes with `value_json`.
std::string fake_cid(std::string_view value_json);

// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace atbackfill::testing
