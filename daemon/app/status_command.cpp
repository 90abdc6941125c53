// `atbackfill status`: per-collection progress from the database, as a table or JSON.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <pqxx/connection>

#include <algorithm>
#include <iomanip>
#include <iostream>

#include "app/commands.hpp"
#include "store/status_query.hpp"

namespace atbackfill::app {
namespace {

boost::json::value optional_json(const std::optional<std::string>& text) {
  return text ? boost::json::value(*text) : boost::json::value(nullptr);
}

// Configured accounts that have no row yet: handles that never resolved have no DID to key
// a row by, so without this an operator would not see them at all.
std::vector<std::string> unresolved_accounts(const config::Settings& settings, const store::StatusReport& report) {
  std::vector<std::string> missing;
  for (const auto& account : settings.accounts) {
    const bool known = std::any_of(report.accounts.begin(), report.accounts.end(), [&](const auto& row) {
      return (account.did && row.did == *account.did) || (account.handle && row.handle == *account.handle);
    });
    if (!known) missing.push_back(account.label());
  }
  return missing;
}

boost::json::value report_json(const store::StatusReport& report, const std::vector<std::string>& unresolved) {
  boost::json::array accounts;
  for (const auto& a : report.accounts)
    accounts.push_back({{"did", a.did},
                        {"handle", optional_json(a.handle)},
                        {"handle_verified", a.handle_verified},
                        {"pds_url", optional_json(a.pds_url)},
                        {"status", a.status},
                        {"resolved_at", optional_json(a.resolved_at)},
                        {"last_error", optional_json(a.last_error)},
                        {"warning", optional_json(a.warning)}});
  boost::json::array collections;
  for (const auto& c : report.collections)
    collections.push_back({{"did", c.did},
                           {"handle", optional_json(c.handle)},
                           {"collection", c.collection},
                           {"state", c.state},
                           {"cursor", optional_json(c.cursor)},
                           {"records", c.record_count},
                           {"records_seen", c.records_seen},
                           {"records_rejected", c.records_rejected},
                           {"pages_fetched", c.pages_fetched},
                           {"last_error", optional_json(c.last_error)},
                           {"last_synced_at", optional_json(c.last_synced_at)},
                           {"updated_at", c.updated_at}});
  const auto& t = report.totals;
  boost::json::array unresolved_json;
  for (const auto& label : unresolved) unresolved_json.push_back(boost::json::value(label));
  return {{"accounts", std::move(accounts)},
          {"unresolved_accounts", std::move(unresolved_json)},
          {"collections", std::move(collections)},
          {"totals",
           {{"accounts", t.accounts},
            {"collections", t.collections},
            {"pending", t.pending},
            {"backfilling", t.backfilling},
            {"synced", t.synced},
            {"error", t.error},
            {"records", t.records},
            {"records_deleted", t.records_deleted}}}};
}

void print_table(const store::StatusReport& report, const std::vector<std::string>& unresolved) {
  std::cout << std::left << std::setw(32) << "ACCOUNT" << std::setw(36) << "COLLECTION" << std::setw(12) << "STATE"
            << std::right << std::setw(10) << "RECORDS" << "  LAST SYNC / ERROR\n";
  for (const auto& c : report.collections) {
    const std::string account = c.handle.value_or(c.did);
    std::cout << std::left << std::setw(32) << account.substr(0, 31) << std::setw(36) << c.collection.substr(0, 35)
              << std::setw(12) << c.state << std::right << std::setw(10) << c.record_count << "  "
              << (c.last_error ? *c.last_error : c.last_synced_at.value_or("-")) << "\n";
  }
  for (const auto& a : report.accounts) {
    if (a.last_error) std::cout << "account " << a.handle.value_or(a.did) << ": error: " << *a.last_error << "\n";
    if (a.warning) std::cout << "account " << a.handle.value_or(a.did) << ": warning: " << *a.warning << "\n";
  }
  for (const auto& label : unresolved)
    std::cout << "account " << label << ": not resolved yet (the daemon's log says why)\n";
  const auto& t = report.totals;
  std::cout << "\n" << t.accounts << " accounts, " << t.collections << " collections (" << t.synced << " synced, "
            << t.backfilling << " backfilling, " << t.pending << " pending, " << t.error << " error), " << t.records
            << " records\n";
}

}  // namespace

int run_status(const config::Settings& settings, bool json) {
  pqxx::connection connection(settings.database.url);
  const auto report = store::query_status(connection);
  const auto unresolved = unresolved_accounts(settings, report);
  if (json)
    std::cout << boost::json::serialize(report_json(report, unresolved)) << "\n";
  else
    print_table(report, unresolved);
  return exit_ok;
}

}  // namespace atbackfill::app
