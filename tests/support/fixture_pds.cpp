// FixturePds: content mutation, traffic log and hooks around the fixture HTTP server.
#include "support/fixture_pds.hpp"

#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <stdexcept>

#include "support/fixture_content.hpp"
#include "support/fixture_http_server.hpp"

namespace atbackfill::testing {

struct FixtureState {
  mutable std::mutex mutex;
  mutable std::condition_variable arrived;  // a request was logged
  FixtureContent content;
  std::vector<FixtureRequest> log;
  FixturePds::Hook hook;
  std::function<void(const FixtureRequest&)> on_request;
  std::uint64_t next_tid_micros = 1704067200000000ull;  // 2024-01-01T00:00:00Z
};

namespace {

std::string lowercase(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

// "2024-01-01T00:00:00.000Z" for a time in microseconds since the epoch.
std::string iso_datetime(std::uint64_t unix_micros) {
  const std::time_t seconds = static_cast<std::time_t>(unix_micros / 1000000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                static_cast<unsigned>(unix_micros / 1000 % 1000));
  return text;
}

FixtureAccount& hosted(FixtureContent& content, const std::string& did) {
  const auto it = content.accounts.find(did);
  if (it == content.accounts.end()) throw std::logic_error("fixture PDS does not host " + did);
  return it->second;
}

}  // namespace

FixturePds::FixturePds(std::string bind_address, unsigned short port) : state_(std::make_unique<FixtureState>()) {
  server_ = std::make_unique<FixtureHttpServer>(bind_address, port,
                                                [this](const FixtureRequest& request) { return handle(request); });
}

FixturePds::~FixturePds() { server_.reset(); }

unsigned short FixturePds::port() const { return server_->port(); }
std::string FixturePds::url() const { return "http://127.0.0.1:" + std::to_string(port()); }
std::string FixturePds::localhost_url() const { return "http://localhost:" + std::to_string(port()); }

void FixturePds::add_account(const std::string& did, const std::string& handle, const std::string& pds_url_in_doc) {
  const std::lock_guard lock(state_->mutex);
  state_->content.accounts[did].handle = lowercase(handle);
  state_->content.did_documents[did] = make_did_document(did, handle, pds_url_in_doc);
}

void FixturePds::remove_account(const std::string& did) {
  const std::lock_guard lock(state_->mutex);
  state_->content.accounts.erase(did);
}

void FixturePds::set_did_document(const std::string& did, std::string json) {
  const std::lock_guard lock(state_->mutex);
  state_->content.did_documents[did] = std::move(json);
}

void FixturePds::remove_did_document(const std::string& did) {
  const std::lock_guard lock(state_->mutex);
  state_->content.did_documents.erase(did);
}

void FixturePds::put_record(const std::string& did, const std::string& collection, const std::string& rkey,
                            std::string value_json, std::string cid) {
  if (cid.empty()) cid = fake_cid(value_json);
  const std::lock_guard lock(state_->mutex);
  hosted(state_->content, did).collections[collection][rkey] = FixtureRecord{std::move(value_json), std::move(cid)};
}

void FixturePds::delete_record(const std::string& did, const std::string& collection, const std::string& rkey) {
  const std::lock_guard lock(state_->mutex);
  auto& collections = hosted(state_->content, did).collections;
  const auto it = collections.find(collection);
  if (it == collections.end()) return;
  it->second.erase(rkey);
  if (it->second.empty()) collections.erase(it);  // describeRepo lists only collections with records
}

std::vector<std::string> FixturePds::add_records(const std::string& did, const std::string& collection, int count) {
  std::vector<std::string> rkeys;
  const std::lock_guard lock(state_->mutex);
  auto& records = hosted(state_->content, did).collections[collection];
  for (int i = 0; i < count; ++i) {
    const std::uint64_t micros = state_->next_tid_micros;
    state_->next_tid_micros += 1000;
    std::string rkey = make_tid(micros);
    const std::size_t n = records.size();
    std::string value = "{\"$type\":" + json_quote(collection) + ",\"text\":" +
                        json_quote("record " + std::to_string(n) + " (" + rkey + ")") +
                        ",\"createdAt\":" + json_quote(iso_datetime(micros)) + ",\"n\":" + std::to_string(n) + "}";
    std::string cid = fake_cid(value);
    records[rkey] = FixtureRecord{std::move(value), std::move(cid)};
    rkeys.push_back(std::move(rkey));
  }
  if (records.empty()) hosted(state_->content, did).collections.erase(collection);
  return rkeys;
}

std::size_t FixturePds::record_count(const std::string& did, const std::string& collection) const {
  const std::lock_guard lock(state_->mutex);
  const auto account = state_->content.accounts.find(did);
  if (account == state_->content.accounts.end()) return 0;
  const auto it = account->second.collections.find(collection);
  return it == account->second.collections.end() ? 0 : it->second.size();
}

void FixturePds::set_deactivated(const std::string& did, bool deactivated) {
  const std::lock_guard lock(state_->mutex);
  hosted(state_->content, did).deactivated = deactivated;
}

void FixturePds::set_reference_deactivation(bool could_not_find_repo) {
  const std::lock_guard lock(state_->mutex);
  state_->content.reference_deactivation = could_not_find_repo;
}

void FixturePds::set_hook(Hook hook) {
  const std::lock_guard lock(state_->mutex);
  state_->hook = std::move(hook);
}

void FixturePds::set_on_request(std::function<void(const FixtureRequest&)> callback) {
  const std::lock_guard lock(state_->mutex);
  state_->on_request = std::move(callback);
}

void FixturePds::set_latency(std::chrono::milliseconds latency) { server_->set_latency(latency); }
void FixturePds::hold_replies(bool hold) { server_->hold_replies(hold); }

FixtureReply FixturePds::default_reply(const FixtureRequest& request) const {
  const std::lock_guard lock(state_->mutex);
  return route_request(state_->content, request);
}

// Runs on the server thread. The callbacks are called without the lock held, so that they
// may use this object (change content, read the log).
FixtureReply FixturePds::handle(const FixtureRequest& request) {
  Hook hook;
  std::function<void(const FixtureRequest&)> on_request;
  {
    const std::lock_guard lock(state_->mutex);
    state_->log.push_back(request);
    hook = state_->hook;
    on_request = state_->on_request;
  }
  state_->arrived.notify_all();
  if (on_request) on_request(request);
  if (hook) {
    if (auto reply = hook(request)) return std::move(*reply);
  }
  return default_reply(request);
}

std::vector<FixtureRequest> FixturePds::requests() const {
  const std::lock_guard lock(state_->mutex);
  return state_->log;
}

std::size_t FixturePds::count(std::string_view path) const {
  const std::lock_guard lock(state_->mutex);
  std::size_t n = 0;
  for (const auto& request : state_->log) n += request.path == path ? 1 : 0;
  return n;
}

std::size_t FixturePds::request_count() const {
  const std::lock_guard lock(state_->mutex);
  return state_->log.size();
}

bool FixturePds::wait_for_count(std::string_view path, std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->arrived.wait_for(lock, timeout, [&] {
    std::size_t seen = 0;
    for (const auto& request : state_->log) seen += request.path == path ? 1 : 0;
    return seen >= n;
  });
}

bool FixturePds::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(state_->mutex);
  return state_->arrived.wait_for(lock, timeout, [&] { return state_->log.size() >= n; });
}

void FixturePds::clear_requests() {
  const std::lock_guard lock(state_->mutex);
  state_->log.clear();
}

std::size_t FixturePds::max_in_flight() const { return server_->max_in_flight(); }
void FixturePds::reset_max_in_flight() { server_->reset_max_in_flight(); }

}  // namespace atbackfill::testing
