// Checks the words of a command line against the declared subcommands and options before CLI11
// parses them, so that a typo gets "unknown command 'serv'; did you mean 'serve'?" instead of
// CLI11's "A subcommand is required" or an unrelated "--name is required".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace imhub {

// The candidate closest to `word` (edit distance, or a prefix), or "" when none is close.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

// Throws UsageError naming the first unknown subcommand or option of `args` (argv without the
// program name), with the nearest known one. Leaves everything else to CLI11.
void check_words(const CLI::App& root, const std::vector<std::string>& args);

}  // namespace imhub
