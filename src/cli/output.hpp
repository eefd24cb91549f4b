// What every command prints: one JSON object on stdout; errors also go to stderr as
// "imhub: <message>" so a script sees them even when it parses stdout.
#pragma once

#include <string>

#include "core/value.hpp"

namespace imhub {

void print_json(const Value& v);

// Prints the error both ways and returns `exit_code`.
int print_error(const std::string& message, int exit_code);

}  // namespace imhub
