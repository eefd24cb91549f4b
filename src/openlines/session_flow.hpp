// The life of a session (protocol-openlines.md §3–§4; docs/openlines.md draws it):
//
//   client writes ─▶ NEW ──(welcome bot)──▶ bot in charge ──(0 / bot.session.operator /
//        WELCOME_BOT_TIME)──▶ queue ──▶ operator offered (NEW, SKIP) ──(answer / reply /
//        intercept)──▶ ANSWER ─▶ CLIENT ─▶ OPERATOR ⇄ CLIENT_AFTER_OPERATOR ──(finish / spam /
//        bot finish)──▶ CLOSE / SPAM
//
// Who is in the LINES chat follows the phase (§3.4): the client always; the welcome bot while it
// is in charge (and until the close with WELCOME_BOT_LEFT=close); the operator offered the
// session (every available operator for QUEUE_TYPE all); after an answer the answering operator
// and whoever joined; after the close only the client.
//
// Every function runs inside the caller's write transaction and raises what it changes through
// the Tx (members joining and leaving, system messages), so bots, applications and the push
// learn of it from the change feed; session events (OnSessionStart/Finish and the connector's
// dialog events) go into the outbox in the same transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "im/change_feed.hpp"
#include "im/chat.hpp"
#include "im/message.hpp"
#include "openlines/line.hpp"
#include "openlines/session.hpp"

namespace imhub {

enum class FlowStatus {
  kOk,
  kClosed,       // the chat has no open session
  kNoAccess,     // the user may not act on this chat
  kNotOperator,  // the user is not the session's operator (skip, finish)
  kWrongTarget,  // the transfer target is no operator or no active line
  kNotBot,       // the bot hand-overs: the session is not in a bot's hands
};

// Whether `user_id` may see and act on a LINES chat as an operator: its members, operators of
// the line of its session, and administrators. Connector users and bots never act as operators,
// nor does the chat's own client (a Network client is a portal user, maybe in some queue).
bool may_operate(Conn& c, const Chat& chat, int64_t user_id, bool is_admin);
// The line a LINES chat belongs to: its session's, else the one its code names.
int64_t chat_line_id(Conn& c, const Chat& chat);

// --- The client's side
// The LINES chat of `code` (created when new, with the client as its member and the title
// "<client> - <line>"). A Network client (`client_member` false) is a portal user who talks to the
// line from a private dialog: they are the chat's client and author but never its member, so the
// operators' side of the chat reaches none of their pushes (openlines/network_relay.hpp).
Chat ensure_lines_chat(Tx& tx, const OpenLine& line, const UserCode& code, int64_t client_id,
                       bool client_member = true);
// The chat's open session, or a new one started: its system message, the session events, and
// the welcome bot or the queue. `chat` is reloaded by the caller afterwards if needed.
Session ensure_session(Tx& tx, const OpenLine& line, const Chat& chat, int64_t client_id);

// --- Operators (imopenlines.operator.*, imopenlines.session.*)
FlowStatus answer_session(Tx& tx, Session& s, int64_t user_id);
FlowStatus skip_session(Tx& tx, Session& s, int64_t user_id);
// Closes the session at once (`status`: kClose, kSpam …) with everyone but the client leaving. The
// client gets CLOSE_TEXT (CLOSE_RULE=text), or AUTO_CLOSE_TEXT (AUTO_CLOSE_RULE=text) when
// `automatic`, unless the session was already waiting (WAIT_CLIENT: those went out then).
FlowStatus finish_session(Tx& tx, Session& s, int64_t actor, int status, bool automatic = false);
// An operator closes the session (operator.finish, another.finish), or AUTO_CLOSE_TIME does
// (`automatic`), as the platform's Session::finish: when the client is told something — the close
// text (CLOSE_RULE / AUTO_CLOSE_RULE = text) or the rating request (VOTE_MESSAGE=Y, not yet rated:
// VOTE_MESSAGE_2_TEXT, the rating counting for VOTE_TIME_LIMIT seconds) — the session waits for
// the client (WAIT_CLIENT 50) for FULL_CLOSE_TIME minutes (AUTO_EXPIRE_TIME seconds after an
// automatic close) before it closes for good; the operator stays in the chat meanwhile. Otherwise,
// and for a session already waiting, it closes at once (finish_session).
FlowStatus close_session(Tx& tx, Session& s, int64_t actor, bool automatic);
// `leave`: the one handing over leaves at once; otherwise a bot stays until the new operator
// answers (operators always leave).
FlowStatus transfer_to_user(Tx& tx, Session& s, int64_t actor, int64_t user_id, bool leave);
FlowStatus transfer_to_line(Tx& tx, Session& s, int64_t actor, int64_t line_id, bool leave);
FlowStatus intercept_session(Tx& tx, Session& s, int64_t user_id);
FlowStatus join_session(Tx& tx, Session& s, int64_t user_id);
// A new session the operator starts in `chat` (imopenlines.session.start; with `parent` closed
// first for message.session.start). The operator is in charge and it counts as answered.
Session start_operator_session(Tx& tx, const Chat& chat, int64_t user_id, std::optional<Session> parent);

// --- Bots (imopenlines.bot.session.*, the client's "0", WELCOME_BOT_TIME)
// The bot in charge hands the session to the queue.
FlowStatus bot_to_queue(Tx& tx, Session& s);
// A message the line sends the client (welcome text, imopenlines.bot.session.message.send).
void post_automatic(Tx& tx, int64_t chat_id, const std::string& text);

// --- Lines
// Closes the line's open sessions and removes it; false when there is no such line.
bool delete_line(Tx& tx, int64_t line_id);

// The client's rating of a session waiting for it (WAIT_CLIENT with the rating asked for and its time
// not up): stores it, sends VOTE_MESSAGE_2_LIKE / _DISLIKE back, closes with VOTE_CLOSING_DELAY=Y.
// False (and nothing changed) when no rating is awaited.
bool rate_waiting_session(Tx& tx, Session& s, int vote);

// --- Timers: passes the session on when its queue_at / no_answer_at is due (docs/openlines.md).
void run_session_timers(Tx& tx, int64_t session_id, int64_t now);

// --- From the change feed: a message appeared in a LINES chat (by the client, an operator or
// a bot). Moves the session's status, applies the "0" rule, the working hours (the offline text,
// once per session) and, while the session waits for the client (WAIT_CLIENT), the client's rating
// ("1" good, "0" bad: VOTE_MESSAGE_2_LIKE / _DISLIKE back, VOTE_CLOSING_DELAY=Y closes) or its
// reopening by anything else; and relays what the client should see to the connector's application.
void on_lines_message(Tx& tx, const Chat& chat, int64_t message_id, const NewMessage& m, bool by_bot);
// Users joined a chat: a bot that the bot in charge brought into a LINES chat (imbot.chat.user.add,
// the ITR bot's "transfer to bot") takes the session over.
void on_lines_members_added(Tx& tx, int64_t chat_id, const std::vector<int64_t>& users);

// The class of messages the line sends the client (automatic messages); other system messages
// of a LINES chat stay with the operators.
inline constexpr const char* kClientMessageClass = "bx-messenger-content-item-ol-output";

}  // namespace imhub
