#include "cli/password_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "cli/command.hpp"
#include "users/password.hpp"

namespace imhub {
namespace {

std::string read_line() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// Echo is off while the line is typed and restored afterwards, even when reading fails.
std::string prompt_hidden(const char* prompt) {
  std::cerr << prompt << std::flush;
  termios saved{};
  const bool tty = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line = read_line();
  if (tty) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  std::cerr << std::endl;
  return line;
}

}  // namespace

std::string read_new_password(const std::optional<std::string>& given) {
  std::string password;
  if (given) {
    password = *given;
  } else if (isatty(STDIN_FILENO)) {
    password = prompt_hidden("New password: ");
    if (prompt_hidden("Repeat the password: ") != password) throw UsageError("the passwords differ");
  } else {
    password = read_line();
  }
  if (password.size() < kMinPasswordLength)
    throw UsageError("the password must have at least " + std::to_string(kMinPasswordLength) + " characters");
  return password;
}

}  // namespace imhub
