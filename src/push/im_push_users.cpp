// Users and bots (protocol-push.md §5.4, §9.6). A user's messenger status: module `online`,
// command `userStatus` ({users: {<id>: {id, status, idle, last_activity_date}}}), which the
// current messenger's OnlinePullHandler applies; everyone sees everyone's status, so it goes to
// the portal's shared channel once rather than to each user. `userInvite` when user.add brings in
// a colleague, `deleteBot` when a bot goes.
#include "core/clock.hpp"
#include "im/presence.hpp"
#include "push/channel.hpp"
#include "push/im_push_commands.hpp"
#include "users/user.hpp"
#include "users/user_query.hpp"
#include "views/im_user.hpp"

namespace imhub {

namespace {

Value time_or_false(const std::optional<int64_t>& t) { return t ? Value(atom_time(*t)) : Value(false); }

// The intranet users online now (active within kOnlineSeconds, as user.get's IS_ONLINE), but
// `except`: who the messenger tells of a new colleague (Bitrix\Im\Helper::getOnlineIntranetUsers).
std::vector<int64_t> online_intranet_users(Conn& c, int64_t except) {
  const int64_t since = now_unix_seconds() - kOnlineSeconds;
  std::vector<int64_t> out;
  for (const Row& r : c.query("SELECT u.id FROM users u LEFT JOIN user_presence p ON p.user_id = u.id "
                              "WHERE u.active = 1 AND u.user_type = 'employee' AND u.external_auth_id = '' "
                              "AND u.id <> $1 AND (u.last_activity >= $2 OR p.last_activity >= $2) ORDER BY u.id",
                              {except, since}))
    out.push_back(r.i64(0));
  return out;
}

constexpr int64_t kUserInviteExpiry = 3600;

}  // namespace

void publish_im(const ImOut& out, const UserStatusChanged& change) {
  const Presence p = load_presence(out.c, change.user_id);
  Value users = Value::empty_object();
  users[std::to_string(change.user_id)] = Value::object({{"id", Value(change.user_id)},
                                                         {"status", Value(visible_status(p))},
                                                         {"idle", time_or_false(p.idle_since)},
                                                         {"last_activity_date", time_or_false(p.last_activity)}});
  PushMessage m;
  m.channels.push_back(shared_channel(out.key, "shared"));  // as pull.config.get names it for users
  m.body = Value::object({{"module_id", Value("online")},
                          {"command", Value("userStatus")},
                          {"params", Value::object({{"users", std::move(users)}})},
                          {"extra", Value::empty_object()}});
  out.publisher.publish(std::move(m));
}

// userInvite (Bitrix\Im\Integration\Intranet\User, onUserAdded): an intranet user added by an
// administrator, to the intranet users online, with who invited them and whether an invitation
// could be sent again (an e-mail is known).
void publish_im(const ImOut& out, const UserAdded& added) {
  const auto u = find_user(out.c, added.user_id);
  if (!u || u->user_type != "employee" || !u->external_auth_id.empty()) return;
  const std::vector<int64_t> receivers = online_intranet_users(out.c, u->id);
  if (receivers.empty()) return;
  Value invited = Value::object({{"originator_id", Value(added.actor)}, {"can_resend", Value(!u->email.empty())}});
  out.to_users(receivers,
               im_body("userInvite", Value::object({{"userId", Value(u->id)},
                                                    {"invited", std::move(invited)},
                                                    {"user", im_user_object(out.c, out.config, *u)},
                                                    {"date", Value(atom_time(now_unix_seconds()))}})),
               kUserInviteExpiry);
}

// deleteBot (Bitrix\Im\Bot::unRegister) on the shared channel: clients drop the bot and its
// dialog, which imhub deletes with it.
void publish_im(const ImOut& out, const BotRemoved& removed) {
  if (removed.part != BotPart::kBot) return;
  PushMessage m;
  m.channels.push_back(shared_channel(out.key, "shared"));
  m.body = Value::object({{"module_id", Value("im")},
                          {"command", Value("deleteBot")},
                          {"params", Value::object({{"botId", Value(removed.bot_id)}})},
                          {"extra", Value::empty_object()}});
  out.publisher.publish(std::move(m));
}

}  // namespace imhub
