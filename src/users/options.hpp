// app.option.* / user.option.* storage: string values per application (and per user).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace imhub {

std::vector<std::pair<std::string, std::string>> app_options(Conn& c, const std::string& owner);
void set_app_option(Conn& c, const std::string& owner, const std::string& name, const std::string& value);
std::vector<std::pair<std::string, std::string>> user_options(Conn& c, const std::string& owner, int64_t user_id);
void set_user_option(Conn& c, const std::string& owner, int64_t user_id, const std::string& name,
                     const std::string& value);

}  // namespace imhub
