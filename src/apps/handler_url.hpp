// Checks the URLs imhub will POST events to (application handlers, event.bind handlers) and
// redirect browsers to (OAuth redirect URIs), with the rules of the real platform
// (protocol.md §3.4, `handlerhelper.php`): http or https, and a host.
#pragma once

#include <string_view>

namespace imhub {

enum class UrlCheck {
  kOk,
  kUnsupportedProtocol,  // not http:// or https:// (ERROR_UNSUPPORTED_PROTOCOL)
  kWrongUrl,             // no host, a malformed host, or (when required) a host without a dot (ERROR_WRONG_HANDLER_URL)
};

// `require_dot`: refuse single-label hosts such as `localhost`, as event.bind does on Bitrix24.
// The command line does not require it, so an administrator may point an application at a
// host name of a private network (`http://bot:8080/`).
UrlCheck check_handler_url(std::string_view url, bool require_dot);

}  // namespace imhub
