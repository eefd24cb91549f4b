#include "cli/words.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "cli/command.hpp"

namespace imhub {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string with_hint(std::string message, const std::string& suggestion) {
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  return message;
}

std::vector<const CLI::App*> all_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

const CLI::App* find_subcommand(const CLI::App& app, const std::string& word) {
  for (const CLI::App* sub : all_subcommands(app))
    if (sub->check_name(word)) return sub;
  return nullptr;
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::App* sub : all_subcommands(app)) out.push_back(sub->get_name());
  return out;
}

std::vector<std::string> option_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::Option* opt : app.get_options()) {
    for (const std::string& n : opt->get_lnames()) out.push_back("--" + n);
    for (const std::string& n : opt->get_snames()) out.push_back("-" + n);
  }
  return out;
}

const CLI::Option* find_option(const CLI::App& app, const std::string& word) {
  for (const CLI::Option* opt : app.get_options())
    if (opt->nonpositional() && opt->check_name(word)) return opt;
  return nullptr;
}

bool has_positionals(const CLI::App& app) {
  for (const CLI::Option* opt : app.get_options())
    if (opt->get_positional()) return true;
  return false;
}

std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p; p = p->get_parent()) path = p->get_name() + " " + path;
  return path;
}

}  // namespace

std::string nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    size_t d = edit_distance(word, c);
    if (word.size() >= 3 && c.rfind(word, 0) == 0) d = std::min<size_t>(d, 1);  // a prefix: "web" → "webhook"
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

void check_words(const CLI::App& root, const std::vector<std::string>& args) {
  const CLI::App* app = &root;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--") return;
    if (word.size() > 1 && word[0] == '-') {
      const std::string name = word.substr(0, word.find('='));
      const CLI::Option* opt = find_option(*app, name);
      if (!opt)
        throw UsageError(with_hint("unknown option '" + name + "' for '" + command_path(*app) + "'",
                                   nearest(name, option_names(*app))));
      if (opt->get_expected_min() > 0 && name.size() == word.size()) ++i;  // its value (flags take none)
      continue;
    }
    if (const CLI::App* sub = find_subcommand(*app, word)) {
      app = sub;
      continue;
    }
    if (has_positionals(*app)) continue;
    const bool expects_command = !all_subcommands(*app).empty();
    if (!expects_command) throw UsageError("unexpected argument '" + word + "' for '" + command_path(*app) + "'");
    throw UsageError(with_hint("unknown command '" + word + "' for '" + command_path(*app) + "'",
                               nearest(word, subcommand_names(*app))));
  }
}

}  // namespace imhub
