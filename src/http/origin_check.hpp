// Which browser origins are imhub's own, for the checks a cookie needs (issue 12 security, issue
// 13): a page elsewhere can make the browser send imhub's session cookie, but never with
// imhub's Origin. Own origins: the public URL's, and each listener's (its configured address,
// and the public URL's host on the listener's port), with the scheme it serves.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"

namespace imhub {

// "scheme://host[:port]" in the form browsers send (lower case, default port dropped).
std::vector<std::string> own_origins(const Config& config);

// Whether `origin` (an Origin header) is one of own_origins; "" and "null" are not.
bool own_origin(const Config& config, std::string_view origin);

// A WebSocket upgrade to refuse: it carries the session cookie and its Origin is not imhub's.
// Upgrades without the cookie (apps in frames on other origins, authorised by their JWT alone)
// are never refused here.
bool cross_origin_session(const Config& config, std::string_view cookie_header, std::string_view origin);

}  // namespace imhub
