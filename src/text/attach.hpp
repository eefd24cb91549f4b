// ATTACH: rich blocks under a message or notification (spec 002 "Attachments", protocol.md §12.2).
#pragma once

#include "core/error.hpp"
#include "core/value.hpp"

namespace imhub {

namespace attach_errors {
// Wire descriptions of the reference (messages/im-message-add.md) and the source they mirror.
}  // namespace attach_errors

// Validates an ATTACH parameter and returns what is stored in the message's params.ATTACH:
// a list of `{ID, BLOCKS, COLOR[, COLOR_TOKEN]}` (ID a string, COLOR a hex value, "CHAT" or
// "transparent").
//
// Accepts the full form `{ID, COLOR, BLOCKS}`, a list of full forms, and the short form (a bare
// list of blocks), as nested params or as a JSON string. Blocks and block items whose links do
// not match `^(/|https?://)`, or that miss a required key, are dropped; unknown keys are ignored.
// Throws ATTACH_ERROR when nothing valid is left (or the value is not an attach at all) and
// ATTACH_OVERSIZE when the normalized form encodes to more than 30 KB of JSON.
//
// Whether "N" or an empty value means "remove" is the caller's business: pass only real values.
Value normalize_attach(const Value& param);

// The stored colour for a COLOR parameter: NORMAL/ATTENTION/PROBLEM tokens become their hex
// values, TRANSPARENT becomes "transparent", a hex colour is kept, anything else is "CHAT"
// (the recipient chat's colour).
std::string normalize_attach_color(std::string_view color);

}  // namespace imhub
