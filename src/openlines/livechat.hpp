// The live chat (protocol-openlines.md §8-§9): website visitors talking to a line through the
// built-in `livechat` connector.
//
// Every line has a public URL code the widget names it by. A visitor is a connector user
// (EXTERNAL_AUTH_ID imconnector, XML_ID "livechat|<id>") who proves who they are with a 32-hex
// hash handed out once by widget.user.register; only its SHA-256 is stored, found through an
// index and compared in constant time, so neither the store nor the logs hold a usable hash.
//
// A visitor has one LIVECHAT chat per line (ENTITY_ID "<line>|<visitor>", the visitor its only
// member): what they see. The operators work in the line's ordinary LINES chat, code
// "livechat|<line>|<visitor chat>|<visitor>", created by the visitor's first message
// (openlines/livechat_relay.hpp copies messages between the two).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "im/change_feed.hpp"
#include "im/chat.hpp"
#include "openlines/line.hpp"
#include "openlines/session.hpp"
#include "store/store.hpp"

namespace imhub {

inline constexpr std::string_view kLivechatConnector = "livechat";
inline constexpr std::string_view kLivechatEntity = "LIVECHAT";

// --- The line's public code
std::optional<std::string> livechat_code(Conn& c, int64_t line_id);
// The line a URL code names (codes are 32 lower-case hex characters).
std::optional<int64_t> line_of_livechat_code(Conn& c, std::string_view code);

// --- Visitors
// "guest" or anything else is not a hash; a hash is exactly 32 hex digits.
bool is_visitor_hash(std::string_view s);
// The visitor whose hash this is; nullopt when none (or `hash` is no hash).
std::optional<int64_t> find_visitor(Conn& c, std::string_view hash);
bool is_visitor(Conn& c, int64_t user_id);

struct VisitorProfile {
  std::string name, last_name, avatar, email, www, gender, position;
};
struct Visitor {
  int64_t user_id = 0;
  std::string hash;  // only when just created: the one time it exists in clear
};
// A new visitor with a fresh random hash, named "Guest #<id>" unless the profile names them.
Visitor create_visitor(Conn& c, const VisitorProfile& profile);
// Applies the given (non-empty) fields of `profile` to the visitor's user row.
void update_visitor(Conn& c, int64_t user_id, const VisitorProfile& profile);
// widget.user.consent.apply: the consent the visitor gave, when.
void record_consent(Conn& c, int64_t user_id, const std::string& url);
bool has_consent(Conn& c, int64_t user_id);

// --- Chats
// The visitor's chat with `line`, created (title "<visitor> - <line>") when new.
Chat ensure_visitor_chat(Tx& tx, const OpenLine& line, int64_t visitor_id);
std::optional<Chat> visitor_chat(Conn& c, int64_t line_id, int64_t visitor_id);
// The line of a LIVECHAT chat (from its ENTITY_ID).
int64_t visitor_chat_line(const Chat& chat);
// The operators' LINES chat of a visitor chat, once the visitor has written.
std::optional<Chat> operator_chat_of(Conn& c, const Chat& visitor_chat);
// The code of the LINES chat a visitor chat is relayed into.
UserCode operator_chat_code(const Chat& visitor_chat, int64_t visitor_id);
// For a LINES chat of the livechat connector: the id of its visitor chat (0 otherwise).
int64_t visitor_chat_id_of(const Chat& lines_chat);
// The newest session of a visitor chat (through its LINES chat).
std::optional<Session> visitor_session(Conn& c, const Chat& visitor_chat);
// Typing on one side of a live chat shown on the other: the visitor's to the operators when the
// line's WATCH_TYPING is on; an operator's to the visitor, anonymous unless OPERATOR_DATA=profile.
// nullopt for any other chat.
struct TypingEcho {
  int64_t chat_id = 0;
  bool anonymous = false;
};
std::optional<TypingEcho> livechat_typing_echo(Conn& c, const Chat& chat);

// --- Rating (widget.vote.send): 5 like, 1 dislike, on the visitor's own session; the operators
// read it in their chat as a notice.
inline constexpr int kVoteLike = 5;
inline constexpr int kVoteDislike = 1;
enum class VoteStatus { kOk, kNoSession, kNotYours };
VoteStatus vote_session(Tx& tx, int64_t session_id, int64_t visitor_id, int vote);

}  // namespace imhub
