// The SQL of PgSyncStore, prepared once per connection.
#pragma once

#include <pqxx/connection>

namespace atbackfill::store::statements {

inline constexpr const char* upsert_records = "atbf_upsert_records";
inline constexpr const char* advance_state = "atbf_advance_state";
inline constexpr const char* load_state = "atbf_load_state";
inline constexpr const char* collection_error = "atbf_collection_error";
inline constexpr const char* identity_by_did = "atbf_identity_by_did";
inline constexpr const char* identity_by_handle = "atbf_identity_by_handle";
inline constexpr const char* save_identity = "atbf_save_identity";
inline constexpr const char* account_error = "atbf_account_error";

// Registers every statement on `connection`; a no-op for those already registered, so it is
// called at the start of each unit (a reconnect brings a fresh connection without them).
void prepare_all(pqxx::connection_base& connection);

}  // namespace atbackfill::store::statements
