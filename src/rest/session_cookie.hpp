// The browser session's cookie: its name, and reading it from a Cookie header (RFC 6265 §5.4:
// `name=value` pairs separated by "; ").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace imhub {

inline constexpr std::string_view kSessionCookie = "imhub_session";
// The header a page may send its CSRF token in instead of the `sessid` parameter (Bitrix24's
// BX.ajax sends both forms).
inline constexpr std::string_view kCsrfHeader = "X-Bitrix-Csrf-Token";

// The value of the first cookie called `name`; nullopt when there is none.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

}  // namespace imhub
