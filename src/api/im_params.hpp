// Parameter and paging helpers shared by the im.user.*, im.department.* and im.search.* adapters.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "api/common.hpp"
#include "users/user.hpp"

namespace imhub {

struct OffsetLimit {
  int64_t offset = 0;
  int64_t limit = 10;
};

// OFFSET and LIMIT (default 10, at most 50); a REST `start` above 0 takes OFFSET's place
// (spec 002: "supports standard Bitrix24 REST API pagewise navigation").
OffsetLimit offset_limit(const MethodCall& call);

// The ids of [from, from+limit) and the result's `total`/`next` (next only when more follow).
std::vector<int64_t> page_of(const std::vector<int64_t>& all, const OffsetLimit& page, MethodResult& out);

// An ID list: an array, or a JSON text of one (a bare number counts as a list of one).
// Non-positive and repeated entries are dropped; nullopt when the value is no list at all.
std::optional<std::vector<int64_t>> id_list_param(const Value& v);

// The calling user's record; ACCESS_DENIED (user authorization required) when there is none.
std::shared_ptr<const User> caller_user(const MethodCall& call);

}  // namespace imhub
