#include "openlines/livechat.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "im/message_post.hpp"
#include "openlines/session_flow.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

bool is_hex(std::string_view s) {
  for (char ch : s)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) return false;
  return true;
}

std::string visitor_entity(int64_t line_id, int64_t visitor_id) {
  return std::to_string(line_id) + "|" + std::to_string(visitor_id);
}

}  // namespace

std::optional<std::string> livechat_code(Conn& c, int64_t line_id) {
  auto r = c.query_one("SELECT url_code FROM livechat_lines WHERE line_id = $1", {line_id});
  if (!r) return std::nullopt;
  return r->str(0);
}

std::optional<int64_t> line_of_livechat_code(Conn& c, std::string_view code) {
  if (code.size() != 32 || !is_hex(code)) return std::nullopt;
  auto r = c.query_one("SELECT line_id FROM livechat_lines WHERE url_code = $1", {to_lower(code)});
  if (!r) return std::nullopt;
  return r->i64(0);
}

bool is_visitor_hash(std::string_view s) { return s.size() == 32 && is_hex(s); }

std::optional<int64_t> find_visitor(Conn& c, std::string_view hash) {
  if (!is_visitor_hash(hash)) return std::nullopt;
  const std::string digest = sha256_hex(to_lower(hash));
  // The index finds the row by the digest; the comparison that decides is constant-time, so the
  // answer's timing says nothing about how close a guess came.
  auto r = c.query_one(
      "SELECT v.user_id, v.hash_sha256 FROM livechat_visitors v JOIN users u ON u.id = v.user_id "
      "WHERE v.hash_sha256 = $1 AND u.active = 1",
      {digest});
  if (!r || !constant_time_equals(r->str(1), digest)) return std::nullopt;
  return r->i64(0);
}

bool is_visitor(Conn& c, int64_t user_id) {
  return c.query_one("SELECT 1 FROM livechat_visitors WHERE user_id = $1", {user_id}).has_value();
}

Visitor create_visitor(Conn& c, const VisitorProfile& profile) {
  Visitor v;
  v.hash = random_hex(16);
  User user;
  user.login = "imopenlines_wgt_" + random_hex(8);
  user.name = profile.name.empty() ? "Guest" : profile.name;
  user.last_name = profile.last_name;
  user.email = profile.email;
  user.personal_www = profile.www;
  user.personal_gender = profile.gender == "F" || profile.gender == "M" ? profile.gender : "";
  user.personal_photo = profile.avatar;
  user.work_position = profile.position;
  user.external_auth_id = "imconnector";
  // The XML_ID of a connector user names its external identity; a visitor's is a digest of the
  // hash (never the hash itself), shaped like the platform's "livechat|<hash>".
  user.xml_id = std::string(kLivechatConnector) + "|" + sha256_hex(v.hash + "|xml").substr(0, 32);
  v.user_id = insert_user(c, user);
  if (profile.name.empty() && profile.last_name.empty()) {
    user.id = v.user_id;
    user.name = "Guest #" + std::to_string(v.user_id);
    update_user(c, user);
  }
  c.exec("INSERT INTO livechat_visitors (user_id, hash_sha256, created_at) VALUES ($1, $2, $3)",
         {v.user_id, sha256_hex(v.hash), now_unix_seconds()});
  return v;
}

void update_visitor(Conn& c, int64_t user_id, const VisitorProfile& p) {
  auto user = find_user(c, user_id);
  if (!user) return;
  User u = *user;
  if (!p.name.empty()) u.name = p.name;
  if (!p.last_name.empty()) u.last_name = p.last_name;
  if (!p.email.empty()) u.email = p.email;
  if (!p.www.empty()) u.personal_www = p.www;
  if (p.gender == "F" || p.gender == "M") u.personal_gender = p.gender;
  if (!p.avatar.empty()) u.personal_photo = p.avatar;
  if (!p.position.empty()) u.work_position = p.position;
  update_user(c, u);
}

void record_consent(Conn& c, int64_t user_id, const std::string& url) {
  c.exec("UPDATE livechat_visitors SET consent_url = $2, consent_at = $3 WHERE user_id = $1",
         {user_id, url, now_unix_seconds()});
}

bool has_consent(Conn& c, int64_t user_id) {
  return c.query_one("SELECT 1 FROM livechat_visitors WHERE user_id = $1 AND consent_at > 0", {user_id}).has_value();
}

Chat ensure_visitor_chat(Tx& tx, const OpenLine& line, int64_t visitor_id) {
  Conn& c = tx.conn;
  if (auto existing = visitor_chat(c, line.id, visitor_id)) return *existing;
  auto user = find_user(c, visitor_id);
  Chat chat;
  chat.type = "L";
  chat.title = (user ? user->full_name() : std::string("Guest")) + " - " + line.name();
  chat.author_id = visitor_id;
  chat.entity_type = std::string(kLivechatEntity);
  chat.entity_id = visitor_entity(line.id, visitor_id);
  // READED|READED_ID|READED_TIME|SESSION_ID|SHOW_FORM|WELCOME_FORM_NEEDED|WELCOME_TEXT_SENT (§11.3).
  chat.entity_data_1 = "N|0|0|0|N|N|N";
  insert_chat(tx, chat, {visitor_id});
  return chat;
}

std::optional<Chat> visitor_chat(Conn& c, int64_t line_id, int64_t visitor_id) {
  auto id = find_chat_by_entity(c, std::string(kLivechatEntity), visitor_entity(line_id, visitor_id));
  if (!id) return std::nullopt;
  return find_chat(c, *id);
}

int64_t visitor_chat_line(const Chat& chat) {
  if (chat.entity_type != kLivechatEntity) return 0;
  const auto bar = chat.entity_id.find('|');
  return Value(chat.entity_id.substr(0, bar)).to_int_or(0);
}

UserCode operator_chat_code(const Chat& visitor_chat, int64_t visitor_id) {
  return UserCode{std::string(kLivechatConnector), visitor_chat_line(visitor_chat), std::to_string(visitor_chat.id),
                  std::to_string(visitor_id)};
}

std::optional<Chat> operator_chat_of(Conn& c, const Chat& visitor_chat) {
  auto visitor = Value(visitor_chat.entity_id.substr(visitor_chat.entity_id.find('|') + 1)).to_int_or(0);
  auto id = find_chat_by_entity(c, "LINES", operator_chat_code(visitor_chat, visitor).str());
  if (!id) return std::nullopt;
  return find_chat(c, *id);
}

int64_t visitor_chat_id_of(const Chat& lines_chat) {
  if (lines_chat.entity_type != "LINES") return 0;
  auto code = UserCode::parse(lines_chat.entity_id);
  if (!code || code->connector != kLivechatConnector) return 0;
  return Value(code->chat).to_int_or(0);
}

std::optional<Session> visitor_session(Conn& c, const Chat& visitor_chat) {
  auto lines = operator_chat_of(c, visitor_chat);
  if (!lines) return std::nullopt;
  return last_session(c, lines->id);
}

std::optional<TypingEcho> livechat_typing_echo(Conn& c, const Chat& chat) {
  if (chat.entity_type == kLivechatEntity) {
    auto line = find_line(c, visitor_chat_line(chat));
    auto lines = line && line->flag("WATCH_TYPING") ? operator_chat_of(c, chat) : std::nullopt;
    if (!lines) return std::nullopt;
    return TypingEcho{lines->id, false};
  }
  const int64_t visitor_chat = visitor_chat_id_of(chat);
  if (visitor_chat == 0 || chat.entity_data_3 == "Y") return std::nullopt;
  auto code = UserCode::parse(chat.entity_id);
  auto line = find_line(c, code ? code->line_id : 0);
  return TypingEcho{visitor_chat, line && line->text("OPERATOR_DATA") != "profile"};
}

VoteStatus vote_session(Tx& tx, int64_t session_id, int64_t visitor_id, int vote) {
  Conn& c = tx.conn;
  auto s = find_session(c, session_id);
  if (!s) return VoteStatus::kNoSession;
  if (s->user_id != visitor_id || s->connector != kLivechatConnector) return VoteStatus::kNotYours;
  const bool changed = s->vote != vote;
  // Asked for by the operator's close (WAIT_CLIENT): the rating the line's rules answer, as a client
  // writing "1" / "0" through a connector gets (the thanks back, VOTE_CLOSING_DELAY). Otherwise (a
  // rating changed, or given after the final close) it is only stored.
  if (!rate_waiting_session(tx, *s, vote)) {
    s->vote = vote;
    save_session(c, *s);
  }
  if (changed)
    post_message(tx, NewMessage{s->chat_id, 0,
                                "The client rated dialog #" + std::to_string(s->id) + ": " +
                                    (vote == kVoteLike ? "like" : "dislike"),
                                R"({"CLASS":"bx-messenger-content-item-system"})", true, ""});
  return VoteStatus::kOk;
}

}  // namespace imhub
