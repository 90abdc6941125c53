// In-memory fakes of the HTTP client and the store, for driving the sync engine without I/O.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "net/http_client.hpp"
#include "store/sync_store.hpp"

namespace atbackfill::testing {

// Answers each GET with the first route whose prefix matches the URL; records every URL.
class FakeHttp final : public net::HttpClient {
 public:
  using Handler = std::function<Expected<net::Response>(const std::string& url)>;
  void route(std::string url_prefix, Handler handler) { routes_.emplace_back(std::move(url_prefix), std::move(handler)); }
  static Expected<net::Response> json(unsigned status, std::string body) {
    net::Response response;
    response.status = status;
    response.body = std::move(body);
    return response;
  }

  boost::asio::awaitable<Expected<net::Response>> get(std::string url) override {
    requests.push_back(url);
    for (auto& [prefix, handler] : routes_)
      if (url.starts_with(prefix)) co_return handler(url);
    co_return json(404, R"({"error":"NotFound","message":"no fake route"})");
  }

  std::vector<std::string> requests;

 private:
  std::vector<std::pair<std::string, Handler>> routes_;
};

class FakeStore final : public store::SyncStore {
 public:
  struct Row {
    std::string cid;
    std::string value;
  };
  std::map<std::pair<std::string, std::string>, store::CollectionState> states;
  std::map<std::tuple<std::string, std::string, std::string>, Row> records;
  std::vector<store::PageCommit> commits;
  std::map<std::pair<std::string, std::string>, std::string> collection_errors;
  std::map<std::string, identity::Identity> identities;

  boost::asio::awaitable<store::CollectionState> load_collection(std::string did, std::string collection) override {
    auto found = states.find({did, collection});
    co_return found == states.end() ? store::CollectionState{std::nullopt, "pending", 0} : found->second;
  }
  boost::asio::awaitable<std::int64_t> commit_page(store::PageCommit page) override {
    auto& state = states[{page.did, page.collection}];
    if (page.cursor) state.cursor = page.cursor;
    state.state = page.pass_complete ? "synced" : "backfilling";
    state.records_seen += static_cast<std::int64_t>(page.records.size());
    for (const auto& r : page.records) records[{page.did, page.collection, r.rkey}] = Row{r.cid, r.value_json};
    commits.push_back(std::move(page));
    co_return 0;
  }
  boost::asio::awaitable<void> record_collection_error(std::string did, std::string collection,
                                                       std::string message) override {
    collection_errors[{did, collection}] = message;
    states[{did, collection}].state = "error";
    co_return;
  }
  boost::asio::awaitable<std::optional<identity::Identity>> cached_identity(std::string key,
                                                                            std::chrono::milliseconds) override {
    auto found = identities.find(key);
    if (found == identities.end()) co_return std::nullopt;
    co_return found->second;
  }
  boost::asio::awaitable<void> save_identity(identity::Identity identity) override {
    identities[identity.did] = identity;
    if (identity.handle) identities[*identity.handle] = identity;
    co_return;
  }
  boost::asio::awaitable<void> record_account_error(std::string did, std::string message) override {
    account_errors[did] = message;
    co_return;
  }
  std::map<std::string, std::string> account_errors;
};

}  // namespace atbackfill::testing
