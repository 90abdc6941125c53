// One pass over one configured account: identity (cached), collection selection, and a
// concurrent pass over each selected collection.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <set>
#include <string>
#include <utility>

#include "config/settings.hpp"
#include "identity/identity.hpp"
#include "sync/sync_context.hpp"
#include "util/expected.hpp"

namespace atbackfill::sync {

// (did, collection) pairs with a pass in progress, so that two configured entries naming
// the same account never page the same collection at once.
using ActiveCollections = std::set<std::pair<std::string, std::string>>;

// The account's identity from the store's cache when fresh, else resolved (with retries)
// and saved. `refresh` skips the cache.
boost::asio::awaitable<Expected<identity::Identity>> account_identity(SyncContext& context,
                                                                      const config::Account& account, bool refresh);

// True when every selected collection completed its pass. `rescan` re-lists every collection
// from the start. When the host no longer knows the repo, the identity is resolved again
// (skipping the cache) and, if the account moved to another PDS, the pass runs there.
boost::asio::awaitable<bool> run_account_pass(SyncContext& context, ActiveCollections& active,
                                              const config::Account& account, bool rescan = false);

}  // namespace atbackfill::sync
