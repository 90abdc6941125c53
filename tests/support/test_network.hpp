// A small AT Protocol network for daemon tests: a directory (PLC + resolveHandle) and two
// PDS hosts, all fixture servers on loopback, plus helpers to write configs and compare tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "support/fixture_pds.hpp"

namespace atbackfill::testing {

// "did:plc:" + `name` padded with 'a' to the 24 base32 characters did:plc requires.
std::string make_plc_did(std::string_view name);

class TestNetwork {
 public:
  FixturePds directory;  // PLC directory and handle resolver for every account
  FixturePds host_a;
  FixturePds host_b;

  // Registers `handle` on the directory and hosts it on `host`. Returns its DID.
  std::string add_account(const std::string& name, const std::string& handle, FixturePds& host);
};

// Every page `host` serves for listRecords(did, collection, reverse=true, limit=100), as a
// JSON array of the page bodies exactly as sent ("[{...},{...}]").
std::string listed_pages(const FixturePds& host, const std::string& did, const std::string& collection);

// A temporary directory removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& text);

}  // namespace atbackfill::testing
