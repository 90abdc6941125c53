#include "support/test_network.hpp"

#include <boost/json/parse.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace atbackfill::testing {

std::string make_plc_did(std::string_view name) {
  std::string id(name);
  if (id.size() > 24) throw std::logic_error("plc name too long");
  id.append(24 - id.size(), 'a');
  return "did:plc:" + id;
}

std::string TestNetwork::add_account(const std::string& name, const std::string& handle, FixturePds& host) {
  const auto did = make_plc_did(name);
  directory.add_account(did, handle, host.url());
  host.add_account(did, handle, host.url());
  return did;
}

std::string listed_pages(const FixturePds& host, const std::string& did, const std::string& collection) {
  std::string pages = "[";
  std::string cursor;
  for (int page = 0;; ++page) {
    FixtureRequest request;
    request.method = "GET";
    request.path = "/xrpc/com.atproto.repo.listRecords";
    request.query = {{"repo", did}, {"collection", collection}, {"limit", "100"}, {"reverse", "true"}};
    if (!cursor.empty()) request.query["cursor"] = cursor;
    const auto reply = host.default_reply(request);
    if (reply.status != 200) throw std::runtime_error("fixture listRecords failed: " + reply.body);
    if (page > 0) pages += ",";
    pages += reply.body;
    const auto json = boost::json::parse(reply.body).as_object();
    const auto* next = json.if_contains("cursor");
    if (json.at("records").as_array().empty() || next == nullptr) break;
    cursor = std::string(next->as_string());
  }
  return pages + "]";
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "atbackfill-test.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace atbackfill::testing
