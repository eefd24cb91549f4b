// Messenger search (im.search.*): users, chats and departments found by the beginnings of words,
// case-insensitively over all of Unicode ("иван" finds "Иван"); and each user's list of recently
// chosen dialogs (im.search.last.*).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"
#include "users/user.hpp"

namespace imhub {

// Minimum length of a search phrase in characters (spec 002 FIND_SHORT).
constexpr size_t kMinFindLength = 3;

// True when every query word begins some word of the text (both already folded).
bool words_match(const std::vector<std::string>& query, const std::vector<std::string>& text);

// Ids of users `viewer` may see whose first name, last name, position or department name
// matches, ascending. `business`: employees only (no extranet users, no bots).
std::vector<int64_t> search_users(Conn& c, const User& viewer, const std::vector<std::string>& query, bool business);

// Ids of group chats `viewer` may read (member, or open chats) whose title or members' names
// match, newest first. `lines`: Open Channel chats instead of the others.
std::vector<int64_t> search_chats(Conn& c, int64_t viewer, const std::vector<std::string>& query, bool lines);

// Ids of departments whose full name (with the names of their parents) matches, by SORT then id.
std::vector<int64_t> search_departments(Conn& c, const std::vector<std::string>& query);

// The history keeps this many dialogs per user; older ones drop off.
constexpr int64_t kSearchLastKeep = 50;

// `dialog_id` in canonical form ("12", "chat7"). Adding an entry again moves it to the top.
void search_last_add(Conn& c, int64_t user_id, const std::string& dialog_id);
bool search_last_delete(Conn& c, int64_t user_id, const std::string& dialog_id);
// Newest first.
std::vector<std::string> search_last_list(Conn& c, int64_t user_id);

}  // namespace imhub
