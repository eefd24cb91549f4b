#include "events/delivery_log.hpp"

#include <algorithm>
#include <unordered_map>

#include "core/strings.hpp"
#include "events/request_redaction.hpp"
#include "store/row_mapping.hpp"

namespace imhub {

std::vector<std::string> insert_delivery_log(Conn& w, const std::vector<DeliveryLogEntry>& entries, int keep) {
  if (keep <= 0 || entries.empty()) return {};
  // Newest first, so the first `keep` of each handler are the ones to write.
  std::unordered_map<std::string, int> seen;
  std::vector<const DeliveryLogEntry*> kept;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (++seen[it->handler] <= keep) kept.push_back(&*it);
  std::reverse(kept.begin(), kept.end());
  for (const DeliveryLogEntry* e : kept) {
    w.exec(
        "INSERT INTO event_delivery_log (at, app_id, handler, event, outbox_id, delivery_id, attempt, outcome, status, "
        "duration_ms, answer, error, request, request_bytes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
        "$12, $13, $14)",
        {e->at_ms, e->app_id, e->handler, e->event, e->outbox_id, e->delivery_id, int64_t{e->attempt}, e->outcome,
         e->status, e->duration_ms, e->answer, e->error, e->request, e->request_bytes});
  }
  std::vector<std::string> handlers;
  handlers.reserve(seen.size());
  for (const auto& [handler, n] : seen) handlers.push_back(handler);
  return handlers;
}

void trim_delivery_log(Conn& w, const std::vector<std::string>& handlers, int keep) {
  if (keep <= 0) return;
  for (const std::string& handler : handlers) {
    w.exec(
        "DELETE FROM event_delivery_log WHERE handler = $1 AND id <= (SELECT id FROM event_delivery_log WHERE "
        "handler = $1 ORDER BY id DESC LIMIT 1 OFFSET $2)",
        {handler, int64_t{keep}});
  }
}

void append_delivery_log(Conn& w, std::vector<DeliveryLogEntry> entries, int keep) {
  trim_delivery_log(w, insert_delivery_log(w, entries, keep), keep);
}

namespace {

const RowMapping<DeliveryLogEntry> kEntryRow{
    {"id", &DeliveryLogEntry::id},
    {"at", &DeliveryLogEntry::at_ms},
    {"app_id", &DeliveryLogEntry::app_id},
    {"handler", &DeliveryLogEntry::handler},
    {"event", &DeliveryLogEntry::event},
    {"outbox_id", &DeliveryLogEntry::outbox_id},
    {"delivery_id", &DeliveryLogEntry::delivery_id},
    {"attempt", &DeliveryLogEntry::attempt},
    {"outcome", &DeliveryLogEntry::outcome},
    {"status", &DeliveryLogEntry::status},
    {"duration_ms", &DeliveryLogEntry::duration_ms},
    {"answer", &DeliveryLogEntry::answer},
    {"error", &DeliveryLogEntry::error},
    {"request", &DeliveryLogEntry::request},
    {"request_bytes", &DeliveryLogEntry::request_bytes},
};

}  // namespace

std::vector<DeliveryLogEntry> read_delivery_log(Conn& c, const DeliveryLogQuery& q) {
  std::string sql = kEntryRow.select("event_delivery_log") + "WHERE id > $1";
  SqlArgs params{q.after_id};
  if (q.app_id) {
    params.emplace_back(*q.app_id);
    sql += " AND app_id = $" + std::to_string(params.size());
  }
  if (!q.handler.empty()) {
    params.emplace_back(q.handler);
    sql += " AND handler = $" + std::to_string(params.size());
  }
  params.emplace_back(std::max<int64_t>(q.limit, 0));
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(params.size());
  std::vector<DeliveryLogEntry> out;
  for (const Row& r : c.query(sql, params)) out.push_back(kEntryRow.read(r));
  std::reverse(out.begin(), out.end());
  return out;
}

DeliveryLogPage delivery_log_page(Conn& c, const DeliveryFilter& filter, int64_t offset, int64_t limit) {
  SqlArgs args;
  const std::string where = "WHERE 1 = 1" + delivery_filter_sql(filter, args);
  DeliveryLogPage page;
  page.total = c.query_one("SELECT COUNT(*) FROM event_delivery_log " + where, args)->i64(0);
  args.emplace_back(std::max<int64_t>(limit, 0));
  args.emplace_back(std::max<int64_t>(offset, 0));
  const std::string sql = kEntryRow.select("event_delivery_log") + where + " ORDER BY id DESC LIMIT $" +
                          std::to_string(args.size() - 1) + " OFFSET $" + std::to_string(args.size());
  for (const Row& r : c.query(sql, args)) page.entries.push_back(kEntryRow.read(r));
  return page;
}

void keep_request(DeliveryLogEntry& e, std::string_view sent, size_t max_bytes) {
  RedactedRequest r = redact_request(sent);
  e.request_bytes = static_cast<int64_t>(r.body.size());
  // Form encoding is ASCII, so any cut is valid UTF-8; a value cut short was already redacted.
  if (r.body.size() > max_bytes) r.body.resize(max_bytes);
  e.request = std::move(r.body);
  e.answer = scrub_secrets(std::move(e.answer), r.secrets);
  e.error = scrub_secrets(std::move(e.error), r.secrets);
}

std::string answer_excerpt(std::string_view bytes, size_t max) {
  std::string_view cut = bytes.substr(0, max);
  // A character split by the cut loses its first bytes only: up to three trailing bytes go.
  for (int drop = 0; drop <= 3 && drop <= static_cast<int>(cut.size()); ++drop)
    if (valid_utf8(cut.substr(0, cut.size() - drop))) return std::string(cut.substr(0, cut.size() - drop));
  std::string out(cut);
  for (char& ch : out)
    if (static_cast<unsigned char>(ch) >= 0x80) ch = '?';
  return out;
}

}  // namespace imhub
