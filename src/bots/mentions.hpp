// Mentions and slash commands in message text, read the way the platform reads them for bots
// (protocol.md §9.2–§9.3; Bot::onMessageAdd and Command::onCommandAdd of the im module). Pure
// text functions: no store, no users.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imhub {

// Ids of `[USER=n]…[/USER]` mentions (tag case-insensitive, on one line), in order of appearance,
// each once. The expanded `[USER=n REPLACE]` form of system messages is not a mention here, as
// on the platform.
std::vector<int64_t> mentioned_user_ids(std::string_view text);

// The first mention: TO_USER_ID of a group-chat message; nullopt when there is none.
std::optional<int64_t> first_mentioned_user(std::string_view text);

// MESSAGE of a group-chat message as bots get it: every `[USER=n]name[/USER]` (with an empty-less
// name) and a comma right after it removed, then trimmed. "[USER=5]Bot[/USER] , hi" → ", hi".
std::string strip_mentions(std::string_view text);

// One `/command params` line of a message (`^/(\S*) ?(.*)$`, per line).
struct CommandLine {
  std::string command;  // without the slash; may be empty ("/" alone)
  std::string params;   // the rest of the line after one space
};
// Every line that starts with "/", in order.
std::vector<CommandLine> command_lines(std::string_view text);

}  // namespace imhub
