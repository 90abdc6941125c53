// Prometheus text exposition (format 0.0.4) of a Snapshot.
#include "status/prometheus.hpp"

#include <algorithm>
#include <cstdint>

namespace atbackfill::status {
namespace {

// HELP text escapes only backslash and newline (a double quote stays as it is).
std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

class Exposition {
 public:
  // Starts a metric family; `name` is without the atbackfill_ prefix.
  void family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = "atbackfill_";
    name_ += name;
    out_ += "# HELP " + name_ + " " + escape_help(help) + "\n";
    out_ += "# TYPE " + name_ + " ";
    out_ += type;
    out_ += "\n";
  }

  template <class Number>
  void sample(Number value) {
    out_ += name_ + " " + std::to_string(value) + "\n";
  }

  template <class Number>
  void sample(std::string_view label, std::string_view label_value, Number value) {
    out_ += name_ + "{";
    out_ += label;
    out_ += "=\"" + escape_label_value(label_value) + "\"} " + std::to_string(value) + "\n";
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::string name_;
};

template <class Number>
void single(Exposition& out, std::string_view name, std::string_view type, std::string_view help, Number value) {
  out.family(name, type, help);
  out.sample(value);
}

void render_sync(Exposition& out, const Metrics& m) {
  single(out, "records_stored_total", "counter",
         "Records written in committed listRecords pages (new, changed or unchanged).", m.records_stored_total);
  single(out, "records_rejected_total", "counter", "Records refused by validation (wrong repo, collection or key).",
         m.records_rejected_total);
  single(out, "records_repaired_total", "counter",
         "Records stored after characters jsonb cannot hold were replaced by U+FFFD.", m.records_repaired_total);
  single(out, "pages_committed_total", "counter", "listRecords pages committed together with their cursor.",
         m.pages_committed_total);
  out.family("collection_passes_total", "counter", "Finished passes over one (account, collection), by result.");
  out.sample("result", "ok", m.collection_passes_ok_total);
  out.sample("result", "error", m.collection_passes_error_total);
  single(out, "collections_in_progress", "gauge", "Collections being paged right now.", m.collections_in_progress);
  single(out, "accounts_resolved_total", "counter", "Identities resolved through the network (cache hits excluded).",
         m.accounts_resolved_total);
  single(out, "identity_errors_total", "counter", "Identity resolutions that failed after all retries.",
         m.identity_errors_total);
}

void render_hosts(Exposition& out, std::vector<throttle::HostStats> hosts) {
  std::sort(hosts.begin(), hosts.end(), [](const auto& a, const auto& b) { return a.host_key < b.host_key; });
  out.family("http_requests_total", "counter", "HTTP requests started, by host.");
  for (const auto& h : hosts) out.sample("host", h.host_key, h.requests_started);
  out.family("http_rate_limited_total", "counter", "Responses that paused a host (429, ratelimit-remaining: 0, 503).");
  for (const auto& h : hosts) out.sample("host", h.host_key, h.rate_limited);
  out.family("http_in_flight", "gauge", "HTTP requests in flight, by host.");
  for (const auto& h : hosts) out.sample("host", h.host_key, h.in_flight);
  out.family("http_waiting", "gauge", "Requests waiting for a host's concurrency slot or pacing.");
  for (const auto& h : hosts) out.sample("host", h.host_key, static_cast<std::uint64_t>(h.waiting));
}

void render_database(Exposition& out, const store::DatabaseStats& db) {
  single(out, "db_connects_total", "counter", "PostgreSQL connections set up by the DB lane.", db.connects);
  single(out, "db_retries_total", "counter", "DB units that failed transiently and were retried.",
         db.failed_attempts);
  single(out, "db_units_completed_total", "counter", "DB units that finished (returned or failed for good).",
         db.units_completed);
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_prometheus(const Snapshot& snapshot) {
  Exposition out;
  single(out, "ready", "gauge", "1 once database migrations are done.", snapshot.ready ? 1 : 0);
  render_sync(out, snapshot.metrics);
  render_hosts(out, snapshot.hosts);
  if (snapshot.database) render_database(out, *snapshot.database);
  return out.take();
}

}  // namespace atbackfill::status
