// Where `imhub user passwd` gets the new password: --password, a prompt without echo on a
// terminal (asked twice), or the first line of standard input for scripts.
#pragma once

#include <optional>
#include <string>

namespace imhub {

// Throws UsageError when the two prompts differ or the password is shorter than
// kMinPasswordLength.
std::string read_new_password(const std::optional<std::string>& given);

}  // namespace imhub
