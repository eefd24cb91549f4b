// An open-line session: one conversation of a client with a line, bound to the client's LINES
// chat (protocol-openlines.md §1, §3; protocol.md §11.3). The chat outlives its sessions: when
// the client writes after a close, a new session starts in the same chat.
//
// Status codes are the platform's (CORP lib/session.php), because they leak into dialog.get,
// ENTITY_DATA_1 and the events; docs/openlines.md draws the state machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "im/chat.hpp"
#include "store/store.hpp"

namespace imhub {

namespace session_status {
inline constexpr int kNew = 0;                   // created, no operator reply yet
inline constexpr int kSkip = 5;                  // an operator skipped it; back in the queue
inline constexpr int kAnswer = 10;               // an operator took it
inline constexpr int kClient = 20;               // the client wrote, waiting for the operator
inline constexpr int kClientAfterOperator = 25;  // the client wrote after the operator's reply
inline constexpr int kOperator = 40;             // the operator replied, waiting for the client
inline constexpr int kWaitClient = 50;           // closed by the operator, waiting before the final close
inline constexpr int kClose = 60;
inline constexpr int kSpam = 65;
inline constexpr int kDuplicate = 69;
inline constexpr int kSilentlyClose = 75;
}  // namespace session_status

// The 4-part chat code "connector|line|external chat|external user" (USER_CODE, the LINES chat's
// ENTITY_ID). `imol|` in front is accepted and dropped.
struct UserCode {
  std::string connector;
  int64_t line_id = 0;
  std::string chat;
  std::string user;

  std::string str() const;
  static std::optional<UserCode> parse(std::string code);
};

struct Session {
  int64_t id = 0;
  int64_t line_id = 0;
  int64_t chat_id = 0;
  int64_t user_id = 0;  // the client (a connector user; a portal user for the Network relay)
  std::string user_code;
  std::string connector;
  std::string mode = "input";  // "input": the client started it; "output": an operator did
  int status = session_status::kNew;
  bool closed = false;
  int64_t operator_id = 0;  // the bot or operator in charge; 0 while waiting (or every operator, QUEUE_TYPE all)
  bool answered = false;    // an operator took it (answer, reply, intercept)
  int64_t parent_id = 0;
  bool pinned = false;
  int vote = 0;       // the client's: 5 like, 1 dislike
  int vote_head = 0;  // the supervisor's, 1..5
  std::optional<std::string> comment_head;
  std::vector<int64_t> tried;    // operators the session was offered to, in order (the queue moves past them)
  int64_t first_message_id = 0;  // the session's opening system message: its history starts there
  int64_t created_at = 0, modified_at = 0;
  int64_t operator_at = 0;  // given to the current operator
  int64_t answered_at = 0;  // first taken by an operator
  int64_t closed_at = 0;
  int64_t queue_at = 0;        // when to pass it on (WELCOME_BOT_TIME, QUEUE_TIME); 0 = never
  int64_t no_answer_at = 0;    // when the no-answer rule runs (NO_ANSWER_TIME); 0 = never
  int64_t close_at = 0;        // when it closes itself: the client silent since the operator's reply (AUTO_CLOSE_TIME),
                               // or the end of WAIT_CLIENT (FULL_CLOSE_TIME, AUTO_EXPIRE_TIME)
  bool worktime_sent = false;  // the client had the offline text (WORKTIME_DAYOFF_TEXT) in this session
  bool wait_vote = false;      // the client was asked to rate the session (VOTE_MESSAGE) and has not yet
  int64_t vote_until = 0;      // the rating counts until then (VOTE_TIME_LIMIT); 0 = no limit
};

std::optional<Session> find_session(Conn& c, int64_t id);
// The chat's open session, if any; the newest session of any state.
std::optional<Session> open_session(Conn& c, int64_t chat_id);
std::optional<Session> last_session(Conn& c, int64_t chat_id);
// The session that follows `s` in its chat (its history ends where that one starts).
std::optional<Session> next_session(Conn& c, const Session& s);
int64_t insert_session(Conn& c, Session& s);
// Writes every mutable field (status, operator, dates …); modified_at becomes now.
void save_session(Conn& c, Session& s);
// Open sessions whose operator is `user_id` (pinAll/unpinAll, MAX_CHAT).
std::vector<Session> open_sessions_of(Conn& c, int64_t user_id);
// Open sessions of a line (a line that is deleted closes them).
std::vector<Session> open_sessions_of_line(Conn& c, int64_t line_id);
// Open sessions in chats `user_id` is a member of (offered, taken, joined), by id.
std::vector<Session> open_sessions_with_member(Conn& c, int64_t user_id);
// Every open session, by id, at most `limit` (an administrator's view).
std::vector<Session> all_open_sessions(Conn& c, int limit);
// The ids of a chat's sessions, newest first, at most `limit`.
std::vector<int64_t> session_ids_of_chat(Conn& c, int64_t chat_id, int limit);
// Open sessions with a timer (queue_at / no_answer_at / close_at) at or before `now`, oldest first.
std::vector<int64_t> due_sessions(Conn& c, int64_t now, int limit);

// ENTITY_DATA_1 of a LINES chat: CRM|CRM_ENTITY_TYPE|CRM_ENTITY_ID|PAUSE|WAIT_ACTION|SESSION_ID|
// DATE_CREATE|LINE_ID|BLOCK_DATE|BLOCK_REASON (protocol.md §11.3; imhub has no CRM).
std::string lines_entity_data_1(const Session& s);
// Writes the session into its chat's ENTITY_DATA_1.
void mark_chat_session(Conn& c, const Session& s);

}  // namespace imhub
