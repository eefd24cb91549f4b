#include "api/dialog_context.hpp"

#include <algorithm>

#include "api/services.hpp"
#include "core/error_catalog.hpp"
#include "core/strings.hpp"
#include "users/user_cache.hpp"

namespace imhub {

bool DialogContext::has_bot(int64_t bot_id) const {
  return std::any_of(bots.begin(), bots.end(), [&](const Bot& b) { return b.id == bot_id; });
}

DialogContext open_dialog_context(Conn& c, const MethodCall& call, const DialogRef& d) {
  const int64_t me = call.caller.user_id;
  DialogContext out;
  if (d.is_chat) {
    out.chat = readable_chat(c, d, me);
    if (!out.chat) throw ApiError(errors::kNoAccess);
    const std::string& entity = out.chat->entity_type;
    out.context = entity == "LINES" ? "lines" : entity == "CALL" ? "call" : "chat";
    out.bots = member_bots(c, out.chat->id);
    return out;
  }
  auto other = call.services.users->find(d.id);
  if (!other || !other->active) throw ApiError(errors::kNoAccess);
  out.chat = find_private_chat(c, me, d.id);
  out.peer = d.id;
  if (auto bot = find_bot(c, d.id)) out.bots.push_back(*bot);
  out.context = out.bots.empty() ? "user" : "bot";
  return out;
}

bool app_fits_dialog(const ChatApp& app, const DialogContext& dialog, bool admin) {
  std::string base = app.context;
  if (base.size() > 6 && base.compare(base.size() - 6, 6, "-admin") == 0) {
    if (!admin) return false;
    base.resize(base.size() - 6);
  }
  if (base == "all") return true;
  if (base == "bot") return dialog.has_bot(app.bot_id);
  if (base == "user") return dialog.context == "user" || dialog.context == "bot";
  return base == dialog.context;
}

bool placement_fits_dialog(const std::string& context, const DialogContext& dialog) {
  const std::string entity = dialog.chat ? dialog.chat->entity_type : "";
  for (const std::string& part : split(context, ';')) {
    const std::string kind = to_upper(std::string(trim(part)));
    if (kind.empty() || kind == "ALL") return true;
    if (kind == "USER" && dialog.context == "user") return true;
    if (kind == "CHAT" && dialog.context != "user" && dialog.context != "bot" && entity != "LINES" && entity != "CRM")
      return true;
    if (kind == "LINES" && entity == "LINES") return true;
    if (kind == "CRM" && entity == "CRM") return true;
  }
  return context.empty();
}

}  // namespace imhub
