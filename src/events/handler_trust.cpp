#include "events/handler_trust.hpp"

#include "core/clock.hpp"

namespace imhub {

void trust_handlers(Conn& w, const std::vector<std::string>& urls, int64_t user_id) {
  const int64_t now = now_unix_seconds();
  for (const std::string& url : urls) {
    if (url.empty()) continue;
    w.exec(
        "INSERT INTO event_handler_trust (handler, user_id, created_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (handler) DO NOTHING",
        {url, user_id, now});
  }
}

std::unordered_set<std::string> trusted_handlers(Conn& c) {
  std::unordered_set<std::string> out;
  for (const Row& r : c.query("SELECT handler FROM event_handler_trust")) out.insert(r.str(0));
  return out;
}

}  // namespace imhub
