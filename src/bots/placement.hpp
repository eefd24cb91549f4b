// Placements of the new chat design ("Application for New Chat Design", spec 002): an
// application binds a handler URL to IM_NAVIGATION, IM_TEXTAREA, IM_SIDEBAR, IM_CONTEXT_MENU or
// IM_SMILES_SELECTOR with placement.bind. Rows live in `app_placements` (migration 15).
//
// OPTIONS follow Bitrix\Im\V2\Marketplace\Placement: each placement knows its options, their
// type and default; unknown options are dropped; the values are checked by the platform's
// RegistrationValidator (iconName, extranet, context, role, color, width, height), and when
// several are wrong the last check's error is the one reported, as there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "store/store.hpp"

namespace imhub {

struct PlacementBinding {
  int64_t id = 0;
  int64_t app_id = 0;
  std::string placement;
  std::string handler;
  int64_t user_id = 0;
  Value options = Value::map();
  std::string title;
  std::string description;
  Value lang = Value::map();  // language → {TITLE, DESCRIPTION, GROUP_NAME}
  int64_t created_at = 0;
};

// False when the same (application, placement, handler, user) is bound already.
bool insert_placement(Conn& w, PlacementBinding& b);
std::vector<PlacementBinding> app_placements(Conn& c, int64_t app_id);
// Every binding of every application, oldest first (the messenger's imhub.messenger.placement.list).
std::vector<PlacementBinding> all_placements(Conn& c);
std::optional<PlacementBinding> find_placement(Conn& c, int64_t id);
// Removes the application's bindings of `placement`, only `handler`'s when not empty and only
// `user_id`'s when given; returns how many went.
int64_t remove_placements(Conn& w, int64_t app_id, const std::string& placement, const std::string& handler,
                          std::optional<int64_t> user_id);

}  // namespace imhub
