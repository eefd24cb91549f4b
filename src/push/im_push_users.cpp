// A user's messenger status (protocol-push.md §5.4): module `online`, command `userStatus`
// ({users: {<id>: {id, status, idle, last_activity_date}}}), which the current messenger's
// OnlinePullHandler applies. Everyone sees everyone's status, so it goes to the portal's shared
// channel once rather than to each user.
#include "core/clock.hpp"
#include "im/presence.hpp"
#include "push/channel.hpp"
#include "push/im_push_commands.hpp"

namespace imhub {

namespace {

Value time_or_false(const std::optional<int64_t>& t) { return t ? Value(atom_time(*t)) : Value(false); }

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

}  // namespace imhub
