// One publish_im() per change that becomes im realtime commands (protocol-push.md §9), each in
// the file of its concern: im_push_messages.cpp (§9.2, §9.4), im_push_reads.cpp (§9.3),
// im_push_recent.cpp (a member's own marks: chatUnread, chatPin, chatHide, chatMuteNotify),
// im_push_chats.cpp (§9.5), im_push_notify.cpp (§9.7), im_push_users.cpp (§5.4, §9.6),
// im_push_lines.cpp (§9.8). The worker
// (im_push.cpp) calls the overload matching each change; changes without one publish nothing.
#pragma once

#include "im/change.hpp"
#include "push/im_push_format.hpp"

namespace imhub {

void publish_im(const ImOut& out, const MessageAdded& change);
void publish_im(const ImOut& out, const MessageUpdated& change);
void publish_im(const ImOut& out, const MessageDeleted& change);
void publish_im(const ImOut& out, const MessageLiked& change);
void publish_im(const ImOut& out, const MessageParamsChanged& change);
void publish_im(const ImOut& out, const Typing& change);

void publish_im(const ImOut& out, const ChatRead& change);
void publish_im(const ImOut& out, const ChatUnread& change);
void publish_im(const ImOut& out, const AllRead& change);

void publish_im(const ImOut& out, const RecentChanged& change);
void publish_im(const ImOut& out, const ChatMuted& change);

void publish_im(const ImOut& out, const ChatCreated& change);
void publish_im(const ImOut& out, const MembersAdded& change);
void publish_im(const ImOut& out, const MemberRemoved& change);
void publish_im(const ImOut& out, const ChatChanged& change);
void publish_im(const ImOut& out, const ManagerChanged& change);

void publish_im(const ImOut& out, const NotificationChanged& change);

void publish_im(const ImOut& out, const UserStatusChanged& change);
void publish_im(const ImOut& out, const UserAdded& change);
void publish_im(const ImOut& out, const BotRemoved& change);

// Open lines (§9.8, module `imopenlines`): updateSessionStatus to the operators, linesAnswer to
// the one who took the session (im_push_lines.cpp).
void publish_im(const ImOut& out, const LinesSessionChanged& change);

// Whether `change` has a publish_im() overload (the after-commit subscriber queues only those).
inline bool has_im_commands(const Change& change) {
  return std::visit(
      [](const auto& c) {
        return requires(const ImOut& out) { publish_im(out, c); };
      },
      change);
}

}  // namespace imhub
