// The storage interface the scheduler depends on (PostgreSQL in production, fakes in tests).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "atproto/list_records.hpp"
#include "identity/identity.hpp"

namespace atbackfill::store {

struct CollectionState {
  std::optional<std::string> cursor;  // high-water mark of the last committed page
  std::string state;                  // "pending", "backfilling", "synced", "error"
  std::int64_t records_seen = 0;
};

// One listRecords page, committed atomically with the cursor that follows it.
struct PageCommit {
  std::string did;
  std::string collection;
  std::optional<std::string> cursor;   // cursor to store; nullopt keeps the stored one
  std::vector<atproto::Record> records;
  std::int64_t rejected = 0;           // records refused by validation on this page
  bool pass_complete = false;          // the page ends a pass: state becomes "synced"
};

class SyncStore {
 public:
  virtual ~SyncStore() = default;

  // Stored progress of one collection; a default (no cursor, "pending") when unknown.
  virtual boost::asio::awaitable<CollectionState> load_collection(std::string did, std::string collection) = 0;
  // Upserts the page's records and advances the cursor in ONE transaction. Retries across
  // connection loss until it succeeds or the store is stopped (then it throws). Returns how
  // many of the records the database refused (left out and counted as rejected).
  virtual boost::asio::awaitable<std::int64_t> commit_page(PageCommit page) = 0;
  // Marks a collection as failed with a message (kept until the next successful page).
  virtual boost::asio::awaitable<void> record_collection_error(std::string did, std::string collection,
                                                               std::string message) = 0;

  // An identity resolved less than `max_age` ago for a configured handle or DID.
  virtual boost::asio::awaitable<std::optional<identity::Identity>> cached_identity(
      std::string handle_or_did, std::chrono::milliseconds max_age) = 0;
  virtual boost::asio::awaitable<void> save_identity(identity::Identity identity) = 0;
  // Records why an account could not be resolved or synced (only for accounts with a known DID).
  virtual boost::asio::awaitable<void> record_account_error(std::string did, std::string message) = 0;
};

}  // namespace atbackfill::store
