#include "bots/bot.hpp"

#include <string_view>

#include "store/row_mapping.hpp"

namespace imhub {
namespace {

const RowMapping<Bot> kBotRow{
    {"id", &Bot::id},
    {"code", &Bot::code},
    {"type", &Bot::type},
    {"openline", &Bot::openline},
    {"app_id", &Bot::app_id},
    {"owner", &Bot::owner},
    {"handler_message_add", &Bot::handler_message_add},
    {"handler_message_update", &Bot::handler_message_update},
    {"handler_message_delete", &Bot::handler_message_delete},
    {"handler_welcome", &Bot::handler_welcome},
    {"handler_bot_delete", &Bot::handler_bot_delete},
    {"created_at", &Bot::created_at},
    {"color", &Bot::color},
};

Bot read_bot(const Row& r) { return kBotRow.read(r); }

std::vector<Bot> read_bots(const Rows& rows) {
  std::vector<Bot> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(read_bot(r));
  return out;
}

}  // namespace

namespace {

constexpr std::string_view kUserPrefix = "user:";
constexpr std::string_view kCustom = "custom";

// The "custom<CLIENT_ID>" part of a webhook owner key "user:<id>:custom<CLIENT_ID>"; "" for any
// other key.
std::string_view custom_part(std::string_view owner) {
  if (owner.substr(0, kUserPrefix.size()) != kUserPrefix) return {};
  const size_t colon = owner.find(':', kUserPrefix.size());
  if (colon == std::string_view::npos) return {};
  std::string_view rest = owner.substr(colon + 1);
  return rest.substr(0, kCustom.size()) == kCustom ? rest : std::string_view{};
}

}  // namespace

std::string Bot::client_id() const {
  const std::string custom = platform_app_id();
  return custom.empty() ? "" : custom.substr(kCustom.size());
}

std::string Bot::platform_app_id() const {
  if (app_id != 0) return "";
  return std::string(custom_part(owner));
}

int64_t Bot::owner_user_id() const {
  if (app_id != 0 || custom_part(owner).empty()) return 0;
  const std::string_view digits = std::string_view(owner).substr(kUserPrefix.size());
  int64_t id = 0;
  for (char ch : digits.substr(0, digits.find(':'))) id = id * 10 + (ch - '0');
  return id;
}

std::string bot_owner_for_app(int64_t app_id) { return "app:" + std::to_string(app_id); }
std::string bot_owner_for_client(int64_t user_id, const std::string& client_id) {
  return std::string(kUserPrefix) + std::to_string(user_id) + ":" + std::string(kCustom) + client_id;
}

std::optional<Bot> find_bot(Conn& c, int64_t id) {
  auto r = c.query_one(kBotRow.select("bots") + "WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return read_bot(*r);
}

std::optional<Bot> find_bot_by_code(Conn& c, const std::string& code) {
  auto r = c.query_one(kBotRow.select("bots") + "WHERE code = $1", {code});
  if (!r) return std::nullopt;
  return read_bot(*r);
}

std::vector<Bot> bots_of_owner(Conn& c, const std::string& owner) {
  return read_bots(c.query(kBotRow.select("bots") + "WHERE owner = $1 ORDER BY id", {owner}));
}

std::vector<Bot> all_bots(Conn& c) { return read_bots(c.query(kBotRow.select("bots") + "ORDER BY id")); }

std::vector<Bot> member_bots(Conn& c, int64_t chat_id) {
  return read_bots(
      c.query("SELECT " + kBotRow.list() + " FROM bots " +
                  "WHERE EXISTS (SELECT 1 FROM chat_members m WHERE m.chat_id = $1 AND m.user_id = bots.id) "
                  "ORDER BY id",
              {chat_id}));
}

}  // namespace imhub
