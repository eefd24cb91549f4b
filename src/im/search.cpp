#include "im/search.hpp"

#include <map>

#include "core/text_fold.hpp"
#include "im/department_view.hpp"
#include "im/user_visibility.hpp"

namespace imhub {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

void append_words(std::vector<std::string>& into, std::string_view text) {
  for (std::string& w : fold_words(text)) into.push_back(std::move(w));
}

// People that may show up in messenger search: no Open Channels, e-mail or replica guests.
constexpr const char* kSearchableUsers =
    "active = 1 AND user_type <> 'email' AND external_auth_id NOT IN ('imconnector', 'email', 'replica')";

// Department names per user, for matching users by department.
std::map<int64_t, std::string> department_names_by_user(Conn& c) {
  std::map<int64_t, std::string> out;
  for (const Row& r :
       c.query("SELECT ud.user_id, d.name FROM user_departments ud JOIN departments d ON d.id = ud.department_id"))
    out[r.i64(0)] += " " + r.str(1);
  return out;
}

}  // namespace

bool words_match(const std::vector<std::string>& query, const std::vector<std::string>& text) {
  if (query.empty()) return false;
  for (const std::string& q : query) {
    bool found = false;
    for (const std::string& w : text)
      if (starts_with(w, q)) {
        found = true;
        break;
      }
    if (!found) return false;
  }
  return true;
}

std::vector<int64_t> search_users(Conn& c, const User& viewer, const std::vector<std::string>& query, bool business) {
  std::vector<int64_t> out;
  if (query.empty()) return out;
  const auto departments = department_names_by_user(c);
  const bool extranet_viewer = viewer.user_type == "extranet";
  Rows rows = c.query(std::string("SELECT id, name, last_name, work_position, user_type, external_auth_id FROM users "
                                  "WHERE ") +
                      kSearchableUsers + " ORDER BY id");
  for (const Row& r : rows) {
    const int64_t id = r.i64(0);
    if (business && (r.str(4) != "employee" || r.str(5) == "bot")) continue;
    std::vector<std::string> words;
    append_words(words, r.str(1) + " " + r.str(2) + " " + r.str(3));
    if (auto it = departments.find(id); it != departments.end()) append_words(words, it->second);
    if (!words_match(query, words)) continue;
    if (extranet_viewer && !can_see_user(c, viewer, id)) continue;
    out.push_back(id);
  }
  return out;
}

std::vector<int64_t> search_chats(Conn& c, int64_t viewer, const std::vector<std::string>& query, bool lines) {
  std::vector<int64_t> out;
  if (query.empty()) return out;
  // Chats the viewer may read: the ones they belong to, and every open chat.
  const std::string visible = std::string("ch.type <> 'P' AND ch.entity_type ") + (lines ? "=" : "<>") +
                              " 'LINES' AND (ch.type = 'O' OR ch.id IN (SELECT chat_id FROM chat_members WHERE "
                              "user_id = $1))";
  std::map<int64_t, std::string, std::greater<>> text;  // newest first
  for (const Row& r : c.query("SELECT ch.id, ch.title FROM chats ch WHERE " + visible, {viewer}))
    text[r.i64(0)] = r.str(1);
  for (const Row& r : c.query("SELECT cm.chat_id, u.name, u.last_name FROM chats ch JOIN chat_members cm ON "
                              "cm.chat_id = ch.id JOIN users u ON u.id = cm.user_id WHERE " +
                                  visible,
                              {viewer}))
    text[r.i64(0)] += " " + r.str(1) + " " + r.str(2);
  for (const auto& [id, t] : text)
    if (words_match(query, fold_words(t))) out.push_back(id);
  return out;
}

std::vector<int64_t> search_departments(Conn& c, const std::vector<std::string>& query) {
  std::vector<int64_t> out;
  if (query.empty()) return out;
  const DepartmentTree tree = load_department_tree(c);
  std::vector<const Department*> found;
  for (const auto& [id, d] : tree)
    if (words_match(query, fold_words(department_full_name(tree, id)))) found.push_back(&d);
  std::stable_sort(found.begin(), found.end(),
                   [](const Department* a, const Department* b) { return a->sort < b->sort; });
  for (const Department* d : found) out.push_back(d->id);
  return out;
}

void search_last_add(Conn& c, int64_t user_id, const std::string& dialog_id) {
  c.exec(
      "INSERT INTO search_last (user_id, dialog_id, seq) VALUES ($1, $2, "
      "(SELECT COALESCE(MAX(seq), 0) + 1 FROM search_last WHERE user_id = $1)) "
      "ON CONFLICT (user_id, dialog_id) DO UPDATE SET seq = excluded.seq",
      {user_id, dialog_id});
  c.exec(
      "DELETE FROM search_last WHERE user_id = $1 AND seq <= "
      "(SELECT COALESCE(MAX(seq), 0) FROM search_last WHERE user_id = $1) - $2",
      {user_id, kSearchLastKeep});
}

bool search_last_delete(Conn& c, int64_t user_id, const std::string& dialog_id) {
  return c.exec("DELETE FROM search_last WHERE user_id = $1 AND dialog_id = $2", {user_id, dialog_id}) > 0;
}

std::vector<std::string> search_last_list(Conn& c, int64_t user_id) {
  std::vector<std::string> out;
  for (const Row& r : c.query("SELECT dialog_id FROM search_last WHERE user_id = $1 ORDER BY seq DESC", {user_id}))
    out.push_back(r.str(0));
  return out;
}

}  // namespace imhub
