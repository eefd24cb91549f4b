// What a live-chat visitor may call (protocol-openlines.md §8.2, §9.6), checked for every call
// and every batch sub-call before its handler runs:
//   - the allow-lists: a guest the registration and reading methods, a visitor also writing,
//     rating and push; anything else is LIVECHAT_AUTH_METHOD_ERROR, and a batch is refused
//     unless every sub-call is allowed;
//   - a guest has no dialog yet: the methods that need one answer LIVECHAT_AUTH_WIDGET_USER;
//   - a visitor reaches only their own LIVECHAT chats: a DIALOG_ID / CHAT_ID / MESSAGE_ID or
//     watch tag naming any other chat (the operators' LINES chat above all, of which the visitor
//     is technically a member) is refused with ACCESS_DENIED; files are off (§9.7);
//   - per-address rate limits on widget.user.register and im.message.add ([livechat], in memory).
#pragma once

#include <string_view>

#include "api/registry.hpp"
#include "api/services.hpp"
#include "users/login_throttle.hpp"

namespace imhub {

// Whether a live-chat caller (guest or visitor) may call `method` at all.
bool livechat_allows(std::string_view method, bool guest);

class LivechatGate {
 public:
  explicit LivechatGate(const Config& config);
  // Throws the ApiError that refuses the call; returns when it may run.
  void check(const Caller& caller, const Method& method, const Value& params, Services& services);

 private:
  LoginThrottle registers_;
  LoginThrottle messages_;
};

}  // namespace imhub
