// The command line's "did you mean" (cli/words).
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/words.hpp"

namespace imhub {
namespace {

TEST(CliWords, NearestKnownWord) {
  const std::vector<std::string> commands = {"init", "serve", "user", "webhook", "app", "events", "coverage", "help"};
  EXPECT_EQ(nearest("serv", commands), "serve");
  EXPECT_EQ(nearest("webhok", commands), "webhook");
  EXPECT_EQ(nearest("web", commands), "webhook");
  EXPECT_EQ(nearest("evnets", commands), "events");
  EXPECT_EQ(nearest("zzzzzzzz", commands), "");
  EXPECT_EQ(nearest("--nme", {"--name", "--last-name", "--data"}), "--name");
}

TEST(CliWords, UnknownCommandsAndOptionsAreNamed) {
  CLI::App root{"t", "imhub"};
  std::string name, data;
  auto* user = root.add_subcommand("user");
  auto* add = user->add_subcommand("add");
  add->add_option("--name", name);
  add->add_option("--data", data);
  EXPECT_NO_THROW(check_words(root, {"user", "add", "--name", "--weird-but-a-value", "--data=x"}));
  try {
    check_words(root, {"user", "ad"});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "unknown command 'ad' for 'imhub user'; did you mean 'add'?");
  }
  try {
    check_words(root, {"user", "add", "--nam", "x"});
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "unknown option '--nam' for 'imhub user add'; did you mean '--name'?");
  }
  EXPECT_THROW(check_words(root, {"user", "add", "stray"}), UsageError);
}

}  // namespace
}  // namespace imhub
