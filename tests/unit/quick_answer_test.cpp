// The lines' quick answers (openlines/quick_answer.hpp, migration 27): one list per line, a message
// saved once per line, the search any case and literal (no LIKE wildcards), paging with a total.
#include "openlines/quick_answer.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite/sqlite_store.hpp"

namespace imhub {
namespace {

struct Dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("imhub-unit-quick-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
  Dir() { std::filesystem::create_directories(path); }
  ~Dir() { std::filesystem::remove_all(path); }
};

std::unique_ptr<Store> open_at(const Dir& d) {
  SqliteOptions o;
  o.path = (d.path / "t.db").string();
  return open_sqlite_store(o);
}

std::vector<std::string> texts(const std::vector<QuickAnswer>& list) {
  std::vector<std::string> out;
  for (const QuickAnswer& a : list) out.push_back(a.text);
  return out;
}

TEST(QuickAnswer, OneListPerLineNewestFirstAMessageOnce) {
  Dir d;
  auto s = open_at(d);
  s->write_with([](Conn& c) {
    const QuickAnswer first = save_quick_answer(c, {.line_id = 1, .text = "Hello", .message_id = 10, .author_id = 5});
    EXPECT_GT(first.id, 0);
    EXPECT_GT(first.created_at, 0);
    // The same message again, by someone else: the answer it already is.
    const QuickAnswer again = save_quick_answer(c, {.line_id = 1, .text = "Hello!", .message_id = 10, .author_id = 6});
    EXPECT_EQ(again.id, first.id);
    EXPECT_EQ(again.text, "Hello");
    save_quick_answer(c, {.line_id = 1, .text = "Bye", .message_id = 11, .author_id = 5});
    // The same message may be an answer of another line too; answers without a message are not merged.
    save_quick_answer(c, {.line_id = 2, .text = "Hello", .message_id = 10, .author_id = 5});
    save_quick_answer(c, {.line_id = 1, .text = "Typed", .author_id = 5});
    save_quick_answer(c, {.line_id = 1, .text = "Typed", .author_id = 5});
    int64_t total = 0;
    EXPECT_EQ(texts(find_quick_answers(c, 1, "", 0, 50, &total)),
              (std::vector<std::string>{"Typed", "Typed", "Bye", "Hello"}));
    EXPECT_EQ(total, 4);
    EXPECT_EQ(texts(find_quick_answers(c, 2, "", 0, 50, &total)), (std::vector<std::string>{"Hello"}));
    return 0;
  });
}

TEST(QuickAnswer, SearchIsLiteralAndAnyCasePagingCountsAllMatches) {
  Dir d;
  auto s = open_at(d);
  s->write_with([](Conn& c) {
    for (const char* t : {"Opening HOURS: 9-5", "100% refund", "Hours of the shop", "Nothing else"})
      save_quick_answer(c, {.line_id = 3, .text = t, .author_id = 1});
    int64_t total = 0;
    EXPECT_EQ(texts(find_quick_answers(c, 3, "hours", 0, 50, &total)),
              (std::vector<std::string>{"Hours of the shop", "Opening HOURS: 9-5"}));
    EXPECT_EQ(total, 2);
    // "%" and "_" are text, not wildcards.
    EXPECT_EQ(texts(find_quick_answers(c, 3, "0%", 0, 50, &total)), (std::vector<std::string>{"100% refund"}));
    EXPECT_TRUE(find_quick_answers(c, 3, "_", 0, 50, &total).empty());
    EXPECT_EQ(texts(find_quick_answers(c, 3, "", 1, 2, &total)),
              (std::vector<std::string>{"Hours of the shop", "100% refund"}));
    EXPECT_EQ(total, 4);
    EXPECT_TRUE(find_quick_answers(c, 3, "", 10, 2, &total).empty());
    return 0;
  });
}

TEST(QuickAnswer, FoundAndDeletedById) {
  Dir d;
  auto s = open_at(d);
  s->write_with([](Conn& c) {
    const QuickAnswer a = save_quick_answer(c, {.line_id = 1, .text = "x", .author_id = 9});
    const auto found = find_quick_answer(c, a.id);
    EXPECT_EQ(found ? found->author_id : 0, 9);
    EXPECT_TRUE(delete_quick_answer(c, a.id));
    EXPECT_FALSE(find_quick_answer(c, a.id).has_value());
    EXPECT_FALSE(delete_quick_answer(c, a.id));
    return 0;
  });
}

}  // namespace
}  // namespace imhub
