#include "cli/output.hpp"

#include <iostream>

#include "core/json.hpp"

namespace imhub {

void print_json(const Value& v) { std::cout << to_plain_json(v) << std::endl; }

int print_error(const std::string& message, int exit_code) {
  std::cerr << "imhub: " << message << std::endl;
  print_json(Value::object({{"error", Value(message)}}));
  return exit_code;
}

}  // namespace imhub
