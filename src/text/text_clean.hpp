// "Cleaned" message text: the BB-code-free one-liner the recent list, previews and pushes show
// (protocol.md §12.4, the reference server's Text::removeBbCodes).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace imhub {

// Full name of a user for an empty `[USER=n][/USER]` mention ("" when unknown).
using UserNameFn = std::function<std::string(int64_t user_id)>;

// Line breaks become spaces; `[s]…[/s]` goes with its content; `[b]`, `[u]`, `[i]`, `[url]`,
// `[USER]`, `[CHAT=n]`, `[SEND]`, `[PUT]`, `[CALL]`, `[PCH]`, `[dialog]`, `[context]`, `[size]`,
// `[color]` keep only their text; `[ICON … title=T]` becomes "(T)"; `[RATING=n]` " [Rating] ",
// `[ATTACH=n]` " [Attachment] ", a 54-dash quote block " [Quote] ", `#BR#` a space.
// A message with an attach gets " [Attachment]" appended first, one with files " [File]" last;
// an empty result reads "Message deleted".
std::string clean_message_text(std::string_view bb_text, bool has_attach, bool has_files,
                               const UserNameFn& user_name = {});

}  // namespace imhub
