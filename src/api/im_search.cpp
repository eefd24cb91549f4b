// im.search.* methods (scope `im`): users, chats and departments by a phrase, and the caller's
// recent-search history. Contract: spec 002 ("Search"), reference api-reference/chats/search/.
// Matching rules live in im/search.
#include "api/common.hpp"
#include "api/im_params.hpp"
#include "core/error_catalog.hpp"
#include "core/text_fold.hpp"
#include "im/department_view.hpp"
#include "im/dialog.hpp"
#include "im/search.hpp"
#include "im/user_visibility.hpp"
#include "views/chat_view.hpp"
#include "views/im_user.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/search/";

// The folded words of the phrase; FIND_SHORT under three characters (spec 002).
std::vector<std::string> phrase_words(const Value& find) {
  const std::string text(trim(find.is_scalar() ? find.to_string() : std::string()));
  if (utf8_length(text) < kMinFindLength) throw ApiError(errors::kFindShort);
  return fold_words(text);
}

MethodResult search_user_list(MethodCall& call) {
  auto me = caller_user(call);
  const std::vector<std::string> words = phrase_words(call.param("FIND"));
  const bool business = call.param("BUSINESS").is_yes();
  ImUserOptions opt;
  opt.avatar_hr = call.param("AVATAR_HR").is_yes();
  const OffsetLimit page = offset_limit(call);
  MethodResult r;
  call.services.store.read([&](Conn& c) {
    // Keyed by user id; nothing found is an empty array (reference im-search-user-list.md).
    Value out = Value::map();
    for (int64_t id : page_of(search_users(c, *me, words, business), page, r))
      if (auto u = find_user(c, id)) out[std::to_string(id)] = im_user_object(c, call.services.config, *u, opt);
    r.result = std::move(out);
  });
  return r;
}

// FIND searches group chats; FIND_LINES (reference) Open Channel chats; FIND wins when both come.
MethodResult search_chat_list(MethodCall& call) {
  const int64_t me = caller_user(call)->id;
  const Value& find = call.param("FIND");
  const bool lines = find.is_null() && !call.param("FIND_LINES").is_null();
  const std::vector<std::string> words = phrase_words(lines ? call.param("FIND_LINES") : find);
  const OffsetLimit page = offset_limit(call);
  MethodResult r;
  call.services.store.read([&](Conn& c) {
    // Spec 002 keys the chats by id, numbers for id and owner.
    Value out = Value::map();
    for (int64_t id : page_of(search_chats(c, me, words, lines), page, r))
      if (auto chat = find_chat(c, id))
        out[std::to_string(id)] = im_chat_object(c, *chat, ChatViewOptions{.string_ids = false, .viewer = me});
    r.result = std::move(out);
  });
  return r;
}

MethodResult search_department_list(MethodCall& call) {
  caller_user(call);
  const std::vector<std::string> words = phrase_words(call.param("FIND"));
  const bool user_data = call.param("USER_DATA").is_yes();
  const OffsetLimit page = offset_limit(call);
  MethodResult r;
  call.services.store.read([&](Conn& c) {
    const DepartmentTree tree = load_department_tree(c);
    Value out = Value::list();
    for (int64_t id : page_of(search_departments(c, words), page, r)) {
      const Department& d = tree.at(id);
      Value v = im_department_object(tree, d);
      if (user_data) {
        auto head = d.head ? find_user(c, *d.head) : std::nullopt;
        v["manager_user_data"] = head ? im_user_object(c, call.services.config, *head) : Value();
      }
      out.push_back(std::move(v));
    }
    r.result = std::move(out);
  });
  return r;
}

// "12" or "chat7": the dialog id as the history stores it; DIALOG_ID_EMPTY when malformed.
DialogRef dialog_param(const MethodCall& call) {
  const Value& p = call.param("DIALOG_ID");
  auto ref = p.is_scalar() ? parse_dialog_id(p.to_string()) : std::nullopt;
  if (!ref) throw ApiError(errors::kDialogIdEmpty);
  return *ref;
}

std::string canonical(const DialogRef& ref) { return (ref.is_chat ? "chat" : "") + std::to_string(ref.id); }

struct LastFilter {
  bool skip_openlines = false, skip_chat = false, skip_dialog = false;
};

// One history entry as a search-last item (spec 002 im.search.last.get), or null when the
// caller may no longer see it.
Value last_item(Conn& c, const Services& s, const User& me, const DialogRef& ref, const LastFilter& f) {
  Value v = Value::map();
  if (!ref.is_chat) {
    if (f.skip_dialog || !can_see_user(c, me, ref.id)) return Value();
    auto u = find_user(c, ref.id);
    if (!u) return Value();
    v["id"] = u->id;
    v["type"] = "user";
    v["avatar"] = Value::object({{"url", avatar_url(s.config, u->personal_photo)}, {"color", user_color_hex(u->id)}});
    v["title"] = u->full_name();
    v["user"] = im_user_object(c, s.config, *u);
    return v;
  }
  auto chat = find_chat(c, ref.id);
  if (!chat || f.skip_chat || !can_read(c, *chat, me.id)) return Value();
  if (f.skip_openlines && chat->entity_type == "LINES") return Value();
  v["id"] = canonical(ref);
  v["type"] = "chat";
  v["avatar"] = Value::object({{"url", chat->avatar}, {"color", chat_color_hex(chat->color)}});
  v["title"] = chat->title;
  v["chat"] = im_chat_object(c, *chat, ChatViewOptions{.string_ids = false, .viewer = me.id});
  return v;
}

MethodResult search_last_get(MethodCall& call) {
  auto me = caller_user(call);
  LastFilter f;
  f.skip_openlines = call.param("SKIP_OPENLINES").is_yes();
  f.skip_chat = call.param("SKIP_CHAT").is_yes();
  f.skip_dialog = call.param("SKIP_DIALOG").is_yes();
  Value out = Value::list();
  call.services.store.read([&](Conn& c) {
    for (const std::string& id : search_last_list(c, me->id)) {
      auto ref = parse_dialog_id(id);
      if (!ref) continue;
      Value item = last_item(c, call.services, *me, *ref, f);
      if (!item.is_null()) out.push_back(std::move(item));
    }
  });
  return out;
}

// "true if the entry was added or already exists, otherwise false": a dialog the caller may
// not open is not added.
MethodResult search_last_add_method(MethodCall& call) {
  auto me = caller_user(call);
  const DialogRef ref = dialog_param(call);
  return Value(write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    if (ref.is_chat) {
      auto chat = find_chat(c, ref.id);
      if (!chat || !can_read(c, *chat, me->id)) return false;
    } else if (!find_user(c, ref.id) || !can_see_user(c, *me, ref.id)) {
      return false;
    }
    search_last_add(c, me->id, canonical(ref));
    return true;
  }));
}

MethodResult search_last_delete_method(MethodCall& call) {
  const int64_t me = caller_user(call)->id;
  const DialogRef ref = dialog_param(call);
  return Value(write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    return search_last_delete(c, me, canonical(ref));
  }));
}

}  // namespace

void register_im_search_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  table.add("im.search.user.list", Effect::kRead, search_user_list, "im-search-user-list.md", "");
  table.add("im.search.chat.list", Effect::kRead, search_chat_list, "im-search-chat-list.md", "");
  table.add("im.search.department.list", Effect::kRead, search_department_list, "im-search-department-list.md", "");
  table.add("im.search.last.get", Effect::kRead, search_last_get, "im-search-last-get.md", "");
  table.add("im.search.last.add", Effect::kWrite, search_last_add_method, "im-search-last-add.md", "");
  table.add("im.search.last.delete", Effect::kWrite, search_last_delete_method, "im-search-last-delete.md", "");
}

}  // namespace imhub
