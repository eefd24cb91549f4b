// im.recent.* and im.counters.get (scope `im`): the recent-chats list, its marks, and unread
// counters. Contract: spec 002 (im.recent.get example: string ids; im.recent.list: numbers),
// reference chats/im-recent-*.md, chats/special-operations/, chats/im-counters-get.md.
#include <algorithm>
#include <iterator>

#include "api/common.hpp"
#include "api/im_common.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "im/chat_roster.hpp"
#include "im/presence.hpp"
#include "im/read_state.hpp"
#include "im/recent.hpp"
#include "im/user_visibility.hpp"
#include "notify/notification.hpp"
#include "text/text_clean.hpp"
#include "users/user_cache.hpp"
#include "views/chat_view.hpp"
#include "views/im_user.hpp"
#include "views/recent_fragments.hpp"
#include "views/recent_projection.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/";

constexpr int64_t kRecentListDefault = 50;
constexpr int64_t kRecentListMax = 200;
// "Fetching returns data not older than 7 days" (spec im.recent.get LAST_SYNC_DATE).
constexpr int64_t kSyncWindowSeconds = 7 * 24 * 3600;

// The two examples disagree on number types; each method follows its own.
struct ItemStyle {
  bool string_ids = false;
  bool list_form = false;  // im.recent.list: chat_id, pinned, unread, date_update, options
};

Value id_of(int64_t v, bool as_string) { return as_string ? Value(std::to_string(v)) : Value(v); }

bool has_files(const Message& m) { return m.params.is_map() && m.params["FILE_ID"].size() > 0; }
bool has_attach(const Message& m) { return m.params.is_map() && m.params["ATTACH"].size() > 0; }

Value message_preview(const RecentEntry& e, const ItemStyle& style, UserCache& users) {
  if (!e.last)
    return Value::object({{"id", id_of(0, style.string_ids)},
                          {"text", ""},
                          {"file", false},
                          {"attach", false},
                          {"author_id", id_of(0, style.string_ids)}});
  const Message& m = *e.last;
  Value v = Value::map();
  v["id"] = id_of(m.id, style.string_ids);
  v["text"] = clean_message_text(m.text, has_attach(m), has_files(m), [&](int64_t id) {
    auto u = users.find(id);
    return u ? u->full_name() : std::string();
  });
  v["file"] = has_files(m);
  v["attach"] = has_attach(m);
  v["author_id"] = id_of(m.author_id, style.string_ids);
  if (style.list_form) {
    v["date"] = atom_time(m.created_at);
    v["status"] = m.author_id == e.member.user_id ? "delivered" : "received";
  }
  return v;
}

// A user object as the im.recent.get example prints it: string id.
Value recent_user(Conn& c, const MethodCall& call, int64_t id, const ItemStyle& style) {
  auto u = call.services.users->find(id);
  if (!u) return Value::object({{"id", id_of(id, style.string_ids)}});
  Value v = im_user_object(c, call.services.config, *u);
  if (style.string_ids) v["id"] = std::to_string(id);
  return v;
}

// `roster`: the chat's roster when the caller has it (group chats; else im_chat_object loads it).
Value recent_item(Conn& c, const MethodCall& call, const RecentEntry& e, const ItemStyle& style,
                  const ChatRoster* roster) {
  const bool dialog = e.chat.type == "P";
  auto other = dialog ? call.services.users->find(e.other_user) : nullptr;
  Value item = Value::map();
  item["id"] = dialog ? id_of(e.other_user, style.string_ids) : Value("chat" + std::to_string(e.chat.id));
  if (style.list_form) item["chat_id"] = e.chat.id;
  item["type"] = dialog ? "user" : "chat";
  const std::string color = dialog ? user_color_hex(e.other_user) : chat_color_hex(e.chat.color);
  item["avatar"] =
      Value::object({{"url", dialog ? (other ? other->personal_photo : "") : e.chat.avatar}, {"color", color}});
  item["title"] = dialog ? (other ? other->full_name() : "") : e.chat.title;
  item["message"] = message_preview(e, style, *call.services.users);
  const int64_t counter = unread_count(e.chat, e.member);
  item["counter"] = style.string_ids ? Value(std::to_string(counter)) : Value(counter);
  const int64_t at = e.last ? e.last->created_at : e.chat.created_at;
  item["pinned"] = e.member.pinned;
  item["unread"] = e.member.marked_unread;
  if (style.list_form)
    item["date_update"] = atom_time(at);
  else
    item["date"] = atom_time(at);
  if (dialog) {
    item["user"] = recent_user(c, call, e.other_user, style);
  } else {
    item["chat"] = im_chat_object(
        c, e.chat,
        ChatViewOptions{
            .string_ids = style.string_ids, .viewer = e.member.user_id, .viewer_member = &e.member, .roster = roster});
    if (style.list_form)
      item["user"] = e.last && e.last->author_id > 0 ? recent_user(c, call, e.last->author_id, style)
                                                     : Value::object({{"id", int64_t{0}}});
  }
  if (style.list_form) item["options"] = Value::list();
  return item;
}

// An ATOM date parameter; 0 when absent or unparsable (the platform ignores those).
int64_t date_param(const MethodCall& call, std::string_view name) {
  int64_t t = 0;
  const std::string text = call.param(name).to_string();
  if (text.empty() || !parse_atom(text, t)) return 0;
  return t;
}

RecentFilter common_filter(const MethodCall& call) {
  RecentFilter f;
  f.only_lines = call.param("ONLY_OPENLINES").to_string() == "Y";
  if (!f.only_lines) {
    f.skip_lines = call.param("SKIP_OPENLINES").to_string() == "Y";
    f.skip_chat = call.param("SKIP_CHAT").to_string() == "Y";
    f.skip_dialog = call.param("SKIP_DIALOG").to_string() == "Y";
  }
  return f;
}

// The users an item shows as user objects (im_user_object reads their presence and bot rows).
std::vector<int64_t> shown_users(const RecentEntry& e, const ItemStyle& style) {
  if (e.chat.type == "P") return {e.other_user};
  if (style.list_form && e.last && e.last->author_id > 0) return {e.last->author_id};
  return {};
}

// The item's JSON: from the fragment cache when its inputs are unchanged, else built (with the
// chat's roster from the roster cache) and kept.
std::shared_ptr<const std::string> item_json(Conn& c, const MethodCall& call, const RecentEntry& e,
                                             const ItemStyle& style, const RecentEpochs& epochs) {
  RecentFragmentCache& cache = *call.services.recent;
  const int form = style.list_form ? 1 : 0;
  const int64_t viewer = e.member.user_id;
  if (auto hit = cache.find(c, viewer, e.chat.id, form, *e.row, epochs)) return hit;
  std::shared_ptr<const ChatRoster> roster;
  if (e.chat.type != "P") roster = call.services.rosters->get(c, e.chat.id, e.members_version, e.chat.created_at);
  auto f = std::make_shared<RecentFragment>();
  f->row = e.row;
  f->users_epoch = epochs.users;
  f->bots_epoch = epochs.bots;
  f->presence_epoch = epochs.presence;
  for (int64_t id : shown_users(e, style)) {
    f->presences.emplace_back(id, load_presence(c, id));
    auto u = call.services.users->find(id);
    if (u && is_bot_user(*u)) f->shows_bot = true;
  }
  f->json = std::make_shared<const std::string>(to_json(recent_item(c, call, e, style, roster.get())));
  auto json = f->json;
  cache.put(viewer, e.chat.id, form, std::move(f));
  return json;
}

// `items` as a JSON list, written into a string sized once (the answer is large; growing it by
// doubling copied it several times). `extra`: room for what the caller wraps around it.
std::string join_items(const std::vector<const std::string*>& items, size_t extra) {
  size_t bytes = 2 + extra;
  for (const std::string* i : items) bytes += i->size() + 1;
  std::string out;
  out.reserve(bytes);
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += *items[i];
  }
  out += ']';
  return out;
}

// Whether the users' lists are kept (SQLite, recent_cache_mb > 0).
bool lists_on(const MethodCall& call) {
  return call.services.recent && call.services.recent->lists && call.services.recent->lists->enabled();
}

// The caller's whole list in `style` (unfiltered, in order): the projection's when nothing it
// shows has changed; patched when only some of its chats did (those read again); else read from
// the store whole. Items come from the fragment cache or are built.
std::shared_ptr<const RecentList> whole_list(MethodCall& call, const ItemStyle& style) {
  RecentProjection& projection = *call.services.recent->lists;
  const int64_t viewer = call.caller.user_id;
  const int form = style.list_form ? 1 : 0;
  const RecentLookup kept = projection.lookup(viewer, form);
  if (kept.list && kept.stale_chats.empty()) return kept.list;
  auto list = std::make_shared<RecentList>();
  // Before the snapshot: a change committed in between leaves what is built here already stale.
  list->stamp = projection.stamp();
  const RecentEpochs epochs = RecentEpochs::current(call.services.store);
  std::vector<RecentListItem> fresh;  // the items read now (all, or the stale chats')
  call.services.store.read([&](Conn& c) {
    const std::vector<RecentEntry> entries =
        kept.list ? load_recent_chats(c, viewer, kept.stale_chats) : load_recent(c, viewer, RecentFilter{});
    if (!kept.list) list->chats = member_chat_ids(c, viewer);
    fresh.reserve(entries.size());
    for (const RecentEntry& e : entries) {
      const std::vector<int64_t> shown = shown_users(e, style);
      fresh.push_back(RecentListItem{recent_keys(e.chat, e.member), item_json(c, call, e, style, epochs),
                                     shown.empty() ? 0 : shown.front()});
    }
  });
  if (kept.list) {
    // The kept items less the stale ones are still in order: the few read again merge into them.
    const auto& stale = kept.stale_chats;
    auto before = [](const RecentListItem& a, const RecentListItem& b) { return recent_before(a.keys, b.keys); };
    std::sort(fresh.begin(), fresh.end(), before);
    std::vector<RecentListItem> still;
    still.reserve(kept.list->items.size());
    for (const RecentListItem& i : kept.list->items)
      if (!std::binary_search(stale.begin(), stale.end(), i.keys.chat_id)) still.push_back(i);
    list->chats = kept.list->chats;
    list->items.reserve(still.size() + fresh.size());
    std::merge(std::make_move_iterator(still.begin()), std::make_move_iterator(still.end()),
               std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()),
               std::back_inserter(list->items), before);
  } else {
    list->items = std::move(fresh);  // load_recent's order
  }
  projection.put(viewer, form, list);
  return list;
}

// The items of `list` that `f` admits, in order.
std::vector<const std::string*> admitted_items(const RecentList& list, const RecentFilter& f) {
  std::vector<const std::string*> out;
  out.reserve(list.items.size());
  for (const RecentListItem& i : list.items)
    if (recent_admitted(i.keys, f)) out.push_back(i.json.get());
  return out;
}

// The items [begin, end) of `entries` as a JSON list (each from the fragment cache or built).
std::string items_json(Conn& c, const MethodCall& call, const std::vector<RecentEntry>& entries, size_t begin,
                       size_t end, const ItemStyle& style, const RecentEpochs& epochs, size_t extra) {
  std::vector<std::shared_ptr<const std::string>> held;
  std::vector<const std::string*> items;
  held.reserve(end - begin);
  items.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    held.push_back(item_json(c, call, entries[i], style, epochs));
    items.push_back(held.back().get());
  }
  return join_items(items, extra);
}

// im.recent.list's answer around its items: the same text write_json gives the object.
std::string list_answer(std::string items, bool more) {
  const char* flag = more ? "true" : "false";
  items.insert(0, "{\"items\":");
  items.append(",\"hasMorePages\":").append(flag).append(",\"hasMore\":").append(flag).append("}");
  return items;
}

MethodResult recent_get(MethodCall& call) {
  RecentFilter f = common_filter(call);
  int64_t since = date_param(call, "LAST_SYNC_DATE");
  if (since == 0) since = date_param(call, "LAST_UPDATE");
  if (since > 0) f.changed_since = std::max(since, now_unix_seconds() - kSyncWindowSeconds);
  const ItemStyle style{.string_ids = true, .list_form = false};
  MethodResult result;
  if (lists_on(call)) {
    const auto list = whole_list(call, style);
    result.raw_result = join_items(admitted_items(*list, f), 0);
    return result;
  }
  const bool cached = call.services.recent && call.services.recent->enabled();
  // Before the snapshot: a change committed in between leaves the new fragments already stale.
  const RecentEpochs epochs = RecentEpochs::current(call.services.store);
  call.services.store.read([&](Conn& c) {
    auto entries = load_recent(c, call.caller.user_id, f);
    if (cached) {
      result.raw_result = items_json(c, call, entries, 0, entries.size(), style, epochs, 0);
      return;
    }
    Value out = Value::list();
    for (const RecentEntry& e : entries) out.push_back(recent_item(c, call, e, style, nullptr));
    result.result = std::move(out);
  });
  return result;
}

MethodResult recent_list(MethodCall& call) {
  RecentFilter f = common_filter(call);
  f.unread_only = call.param("UNREAD_ONLY").to_string() == "Y";
  f.before = date_param(call, "LAST_MESSAGE_DATE");
  int64_t limit = call.param("LIMIT").to_int_or(kRecentListDefault);
  if (limit <= 0) limit = kRecentListDefault;
  limit = std::min(limit, kRecentListMax);
  int64_t offset = std::max<int64_t>(0, call.param("OFFSET").to_int_or(0));
  if (call.start > 0) offset = call.start;
  const ItemStyle style{.string_ids = false, .list_form = true};
  MethodResult result;
  // "total is usually -1" (reference im-recent-list.md); next when there is more.
  auto page = [&](size_t count) {
    const size_t begin = std::min<size_t>(static_cast<size_t>(offset), count);
    const size_t end = std::min(count, begin + static_cast<size_t>(limit));
    result.total = -1;
    if (end < count) result.next = static_cast<int64_t>(end);
    return std::make_pair(begin, end);
  };
  if (lists_on(call)) {
    const auto list = whole_list(call, style);
    auto items = admitted_items(*list, f);
    const auto [begin, end] = page(items.size());
    const bool more = end < items.size();
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(end), items.end());
    items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(begin));
    result.raw_result = list_answer(join_items(items, 64), more);
    return result;
  }
  const bool cached = call.services.recent && call.services.recent->enabled();
  const RecentEpochs epochs = RecentEpochs::current(call.services.store);
  call.services.store.read([&](Conn& c) {
    auto entries = load_recent(c, call.caller.user_id, f);
    const auto [begin, end] = page(entries.size());
    const bool more = end < entries.size();
    if (cached) {
      result.raw_result = list_answer(items_json(c, call, entries, begin, end, style, epochs, 64), more);
    } else {
      Value items = Value::list();
      for (size_t i = begin; i < end; ++i) items.push_back(recent_item(c, call, entries[i], style, nullptr));
      result.result = Value::object({{"items", std::move(items)}, {"hasMorePages", more}, {"hasMore", more}});
    }
  });
  return result;
}

DialogRef require_dialog(const MethodCall& call) {
  auto d = parse_dialog_id(call.param("DIALOG_ID").to_string());
  if (!d) throw ApiError(errors::kDialogIdEmpty);
  return *d;
}

// "Y" unless exactly "N"; `alias` overrides `name` when present (im_rest.php).
bool flag_param(const MethodCall& call, std::string_view name, std::string_view alias) {
  const Value& a = call.param(alias);
  const Value& v = a.is_null() ? call.param(name) : a;
  return v.to_string() != "N";
}

MethodResult recent_pin(MethodCall& call) {
  const DialogRef d = require_dialog(call);
  const bool pin = flag_param(call, "PIN", "ACTION");
  const int64_t me = call.caller.user_id;
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    auto mine = membership(c, d, me);
    if (!mine) throw ApiError(errors::kPinAccess);
    pin_recent(tx, mine->chat.id, me, pin);
  });
  return Value(true);
}

MethodResult recent_hide(MethodCall& call) {
  const DialogRef d = require_dialog(call);
  const int64_t me = call.caller.user_id;
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    if (auto mine = membership(c, d, me)) hide_recent(tx, mine->chat, me);
  });
  return Value(true);
}

MethodResult recent_unread(MethodCall& call) {
  const DialogRef d = require_dialog(call);
  const bool mark = flag_param(call, "UNREAD", "ACTION");
  const int64_t me = call.caller.user_id;
  bool found = false;
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    auto mine = membership(c, d, me);
    if (!mine) return;
    found = true;
    mark_recent_unread(tx, mine->chat, mine->member, mark);
  });
  return Value(found);
}

MethodResult counters_get(MethodCall& call) {
  const int64_t me = call.caller.user_id;
  return call.services.store.read_with([&](Conn& c) {
    Value chat = Value::map(), chat_muted = Value::map(), chat_unread = Value::list();
    Value dialog = Value::map(), dialog_unread = Value::list(), lines = Value::map();
    int64_t sum_chat = 0, sum_dialog = 0, sum_lines = 0;
    for (const UnreadCounter& u : unread_counters(c, me)) {
      if (u.type == "P") {
        if (u.unread > 0) dialog[std::to_string(u.other_user)] = u.unread;
        if (u.marked_unread) dialog_unread.push_back(u.other_user);
        if (!u.muted) sum_dialog += u.unread;
      } else if (u.type == "L") {
        if (u.unread > 0) lines[std::to_string(u.chat_id)] = u.unread;
        sum_lines += u.unread;
      } else if (u.muted) {
        // Muted chats are listed apart and left out of the totals (reference example).
        if (u.unread > 0) chat_muted[std::to_string(u.chat_id)] = u.unread;
      } else {
        if (u.unread > 0) chat[std::to_string(u.chat_id)] = u.unread;
        if (u.marked_unread) chat_unread.push_back(u.chat_id);
        sum_chat += u.unread;
      }
    }
    const int64_t notify = unread_notification_count(c, me);
    const int64_t messenger = sum_chat + sum_dialog + sum_lines;
    Value type = Value::object({{"ALL", messenger + notify},
                                {"NOTIFY", notify},
                                {"CHAT", sum_chat},
                                {"LINES", sum_lines},
                                {"DIALOG", sum_dialog},
                                {"MESSENGER", messenger}});
    if (call.param("ONLY_COUNTER").truthy()) return type;
    return Value::object({{"TYPE", std::move(type)},
                          {"CHAT", std::move(chat)},
                          {"CHAT_MUTED", std::move(chat_muted)},
                          {"CHAT_UNREAD", std::move(chat_unread)},
                          {"LINES", std::move(lines)},
                          {"DIALOG", std::move(dialog)},
                          {"DIALOG_UNREAD", std::move(dialog_unread)}});
  });
}

}  // namespace

void register_im_recent_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  table.add("im.recent.get", Effect::kRead, recent_get, "im-recent-get.md");
  table.add("im.recent.list", Effect::kRead, recent_list, "im-recent-list.md");
  table.add("im.recent.pin", Effect::kWrite, recent_pin, "special-operations/im-recent-pin.md");
  table.add("im.recent.hide", Effect::kWrite, recent_hide, "special-operations/im-recent-hide.md");
  table.add("im.recent.unread", Effect::kWrite, recent_unread, "special-operations/im-recent-unread.md");
  table.add("im.counters.get", Effect::kRead, counters_get, "im-counters-get.md");
}

}  // namespace imhub
