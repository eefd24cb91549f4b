#include "rest/livechat_gate.hpp"

#include <array>
#include <cmath>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"
#include "openlines/livechat.hpp"
#include "push/watch.hpp"

namespace imhub {
namespace {

// §8.2, with `guest` (CORP widget/auth.php).
constexpr std::array<std::string_view, 10> kGuestMethods = {"imopenlines.widget.user.register",
                                                            "imopenlines.widget.user.get",
                                                            "imopenlines.widget.user.consent.apply",
                                                            "imopenlines.widget.config.get",
                                                            "imopenlines.widget.dialog.get",
                                                            "im.dialog.messages.get",
                                                            "im.chat.get",
                                                            "server.time",
                                                            "pull.config.get",
                                                            "smile.get"};
// §8.2, with a visitor's hash (in addition).
constexpr std::array<std::string_view, 19> kVisitorMethods = {"imopenlines.widget.dialog.list",
                                                              "imopenlines.widget.chat.create",
                                                              "imopenlines.widget.operator.get",
                                                              "imopenlines.widget.vote.send",
                                                              "imopenlines.widget.action.send",
                                                              "imopenlines.widget.crm.bindings.get",
                                                              "pull.watch.extend",
                                                              "im.message.add",
                                                              "im.message.update",
                                                              "im.message.delete",
                                                              "im.message.like",
                                                              "im.dialog.writing",
                                                              "im.dialog.read",
                                                              "im.disk.folder.get",
                                                              "im.disk.file.commit",
                                                              "disk.folder.uploadfile",
                                                              "batch",
                                                              "imopenlines.widget.user.register",
                                                              "imopenlines.widget.config.get"};
// What a guest may do before having a dialog: look at the line and register.
constexpr std::array<std::string_view, 4> kWithoutDialog = {
    "imopenlines.widget.user.register", "imopenlines.widget.config.get", "server.time", "smile.get"};
// File transfer is not part of imhub's live chat (§9.7: config.get says disk.enabled false).
constexpr std::array<std::string_view, 3> kFileMethods = {"im.disk.folder.get", "im.disk.file.commit",
                                                          "disk.folder.uploadfile"};

template <size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view name) {
  for (std::string_view m : list)
    if (m == name) return true;
  return false;
}

// The method a batch command names ("im.message.add?DIALOG_ID=…"), as batch.cpp reads it.
std::string command_method(const std::string& text) {
  std::string name = to_lower(trim(text.substr(0, text.find('?'))));
  while (!name.empty() && name.front() == '/') name.erase(name.begin());
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) name.resize(name.size() - 5);
  return name;
}

void check_batch(const Value& params, bool guest) {
  const Value* cmd = params.find_ci("cmd");
  if (!cmd) return;
  for (const Value* command : cmd->elements()) {
    if (!command->is_string()) continue;
    const std::string name = command_method(command->get_string());
    if (name == "batch" || !livechat_allows(name, guest)) throw ApiError(errors::kLivechatMethod);
  }
}

bool own_chat(Conn& c, int64_t chat_id, int64_t visitor) {
  auto chat = find_chat(c, chat_id);
  return chat && chat->entity_type == kLivechatEntity && find_member(c, chat_id, visitor).has_value();
}

const Value* given(const Value& params, std::string_view name) {
  const Value* v = params.find_ci(name);
  if (!v || !v->is_scalar() || trim(v->to_string()).empty()) return nullptr;
  return v;
}

// Every chat the call names must be one of the visitor's LIVECHAT chats. Values that name no chat
// at all are left to the method, which answers its own error for them.
void check_scope(Conn& c, const Value& params, int64_t visitor) {
  // A person's id addresses a private dialog (im.message.add's legacy USER_ID): never a visitor's.
  if (given(params, "USER_ID")) throw ApiError(errors::kLivechatDialogOnly);
  if (const Value* d = given(params, "DIALOG_ID")) {
    auto ref = parse_dialog_id(d->to_string());
    if (ref && (!ref->is_chat || !own_chat(c, ref->id, visitor))) throw ApiError(errors::kLivechatDialogOnly);
  }
  if (const Value* id = given(params, "CHAT_ID")) {
    auto chat = id->to_int();
    if (chat && *chat > 0 && !own_chat(c, *chat, visitor)) throw ApiError(errors::kLivechatDialogOnly);
  }
  for (std::string_view name : {"MESSAGE_ID", "ID"}) {
    const Value* id = given(params, name);
    auto message_id = id ? id->to_int() : std::nullopt;
    if (!message_id || *message_id <= 0) continue;
    auto m = find_message(c, *message_id);
    if (m && !own_chat(c, m->chat_id, visitor)) throw ApiError(errors::kLivechatDialogOnly);
  }
  if (const Value* given_tags = params.find_ci("TAGS")) {
    // A list, or a JSON string of one (as pull.watch.extend reads it).
    Value tags = *given_tags;
    if (tags.is_string()) tags = parse_json(tags.get_string()).value_or(Value());
    for (const Value* tag : tags.elements()) {
      auto chat = tag->is_scalar() ? public_chat_of(tag->to_string()) : std::nullopt;
      if (!chat || !own_chat(c, *chat, visitor)) throw ApiError(errors::kLivechatDialogOnly);
    }
  }
}

void limit(LoginThrottle& throttle, const std::string& address) {
  const int64_t now = now_unix_seconds();
  if (const int64_t wait = throttle.retry_after(address, address, now); wait > 0)
    throw ApiError(errors::kQueryLimitExceeded).with("retry_after", wait);
  throttle.record_failure(address, address, now);
}

}  // namespace

bool livechat_allows(std::string_view method, bool guest) {
  return listed(kGuestMethods, method) || (!guest && listed(kVisitorMethods, method));
}

LivechatGate::LivechatGate(const Config& config)
    : registers_(LoginLimits{config.livechat_registers_per_minute, config.livechat_registers_per_minute, 60}),
      messages_(LoginLimits{config.livechat_messages_per_minute, config.livechat_messages_per_minute, 60}) {}

void LivechatGate::check(const Caller& caller, const Method& method, const Value& params, Services& services) {
  const bool guest = caller.user_id <= 0;
  const std::string& name = method.name;
  // The batch itself is allowed to visitors and guests alike when each of its calls is.
  if (name == "batch") return check_batch(params, guest);
  if (!livechat_allows(name, guest)) throw ApiError(errors::kLivechatMethod);
  if (guest && !listed(kWithoutDialog, name)) throw ApiError(errors::kLivechatWidgetUser);
  if (listed(kFileMethods, name)) throw ApiError(errors::kLivechatNoFiles);
  if (name == "imopenlines.widget.user.register") limit(registers_, caller.address);
  if (name == "im.message.add") limit(messages_, caller.address);
  if (guest) return;
  services.store.read([&](Conn& c) { check_scope(c, params, caller.user_id); });
}

}  // namespace imhub
