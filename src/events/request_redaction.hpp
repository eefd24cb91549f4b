// What the delivery log keeps of a request (issue 13's developer console shows it to
// administrators): the form body as it was sent with the value of every credential replaced by
// "[redacted]". An event body carries live OAuth tokens of the application and of its bots
// (auth[access_token], auth[refresh_token], data[BOT][17][AUTH][access_token] …) and the
// application_token handlers check events by; a token in the log would let whoever reads it call
// the REST API as the application. So they are removed before the log is written, and neither the
// store, `imhub events log` nor imhub.console.deliveries ever sees them.
//
// A field is a credential when the last key of its bracket path ends in "token" or "secret", or
// is "password" (case-insensitive): that covers access_token, refresh_token, application_token
// and client_secret wherever they are nested.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace imhub {

struct RedactedRequest {
  std::string body;                  // the body with credential values replaced
  std::vector<std::string> secrets;  // the values removed (decoded and as sent), for scrub_secrets
};

// `body` is application/x-www-form-urlencoded as events/form_encode writes it (brackets as
// %5B/%5D; literal brackets are understood too).
RedactedRequest redact_request(std::string_view body);

// `text` (a handler's answer, an error) with every occurrence of `secrets` replaced by
// "[redacted]", and a trailing start of one (an answer cut inside an echoed token) cut off.
// Secrets shorter than 8 bytes are left alone: they are not tokens, and would match anywhere.
std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace imhub
