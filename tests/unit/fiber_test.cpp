#include "core/fiber.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "temp_store.hpp"

namespace imhub {
namespace {

// A single-threaded run loop like an io_context: posts may come from any thread.
class Loop {
 public:
  FiberPost poster() {
    return [this](std::function<void()> fn) {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(fn));
      cv_.notify_one();
    };
  }
  // Runs posted work until `done` holds.
  void run_until(const std::function<bool()>& done) {
    while (!done()) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !queue_.empty(); });
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

TEST(Fiber, WaitOutsideAFiberBlocksTheThread) {
  EXPECT_FALSE(in_fiber());
  std::thread waker;
  bool woken = false;
  fiber_wait([&](std::function<void()> resume) {
    waker = std::thread([&woken, resume] {
      woken = true;
      resume();
    });
  });
  EXPECT_TRUE(woken);
  waker.join();
}

TEST(Fiber, ParksUntilResumedThroughThePost) {
  Loop loop;
  std::function<void()> resume_later;
  int stage = 0;
  spawn_fiber(
      [&] {
        EXPECT_TRUE(in_fiber());
        stage = 1;
        fiber_wait([&](std::function<void()> resume) { resume_later = std::move(resume); });
        stage = 2;
      },
      loop.poster());
  // spawn_fiber returned at the first wait: the fiber is parked, the thread is free.
  EXPECT_EQ(stage, 1);
  EXPECT_FALSE(in_fiber());
  resume_later();
  EXPECT_EQ(stage, 1);  // resumption is posted, never run inline
  loop.run_until([&] { return stage == 2; });
  EXPECT_EQ(stage, 2);
}

TEST(Fiber, OnEndRunsOnTheThreadStackAfterTheBody) {
  Loop loop;
  std::function<void()> resume_later;
  int stage = 0;
  bool ended_in_fiber = true;
  FiberOptions options;
  options.on_end = [&] {
    EXPECT_EQ(stage, 2);
    ended_in_fiber = in_fiber();
    stage = 3;
  };
  spawn_fiber(
      [&] {
        stage = 1;
        fiber_wait([&](std::function<void()> resume) { resume_later = std::move(resume); });
        stage = 2;
      },
      loop.poster(), std::move(options));
  EXPECT_EQ(stage, 1);
  resume_later();
  loop.run_until([&] { return stage == 3; });
  EXPECT_FALSE(ended_in_fiber);
  // A body that never waits: on_end has run by the time spawn_fiber returns.
  bool ended = false;
  FiberOptions at_once;
  at_once.on_end = [&] { ended = true; };
  spawn_fiber([] {}, loop.poster(), std::move(at_once));
  EXPECT_TRUE(ended);
}

// A poster that counts its posts, for the batch test.
struct CountingLoop : Loop {
  int posts = 0;
  FiberPost counted() {
    return [this, inner = poster()](std::function<void()> fn) {
      ++posts;
      inner(std::move(fn));
    };
  }
};

TEST(Fiber, ResumeBatchHandsEachHomeItsFibersInOnePost) {
  CountingLoop a, b;
  std::vector<std::function<void()>> resumes;
  std::vector<int> order;
  auto start = [&](CountingLoop& loop, int id) {
    FiberOptions options;
    options.home = &loop;
    spawn_fiber(
        [&, id] {
          fiber_wait([&](std::function<void()> resume) { resumes.push_back(std::move(resume)); });
          order.push_back(id);
        },
        loop.counted(), std::move(options));
  };
  for (int i = 0; i < 3; ++i) start(a, i);
  for (int i = 3; i < 5; ++i) start(b, i);
  std::thread resumer([&] {
    ResumeBatch batch;
    {
      ResumeBatch nested;  // an inner batch hands nothing over: the outer one does
      for (auto& r : resumes) r();
    }
    EXPECT_EQ(a.posts + b.posts, 0);
  });
  resumer.join();
  EXPECT_EQ(a.posts, 1);
  EXPECT_EQ(b.posts, 1);
  a.run_until([&] { return order.size() == 3; });
  b.run_until([&] { return order.size() == 5; });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));  // in the order they were resumed
  // Outside a batch every resumption is its own post.
  resumes.clear();
  start(a, 5);
  start(a, 6);
  for (auto& r : resumes) r();
  EXPECT_EQ(a.posts, 3);
  a.run_until([&] { return order.size() == 7; });
}

TEST(Fiber, ManyFibersShareOneThreadAndTheirWritesCommitTogether) {
  {
    TempStore t;
    Store* store = t.store.get();
    store->write([](Conn& c) { c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, fiber INTEGER)"); });
    Loop loop;
    constexpr int kFibers = 64;
    int finished = 0;
    const auto loop_thread = std::this_thread::get_id();
    for (int i = 0; i < kFibers; ++i) {
      spawn_fiber(
          [&, i] {
            store->write([i](Conn& c) { c.exec("INSERT INTO t (fiber) VALUES ($1)", {int64_t{i}}); });
            EXPECT_EQ(std::this_thread::get_id(), loop_thread);
            ++finished;
          },
          loop.poster());
    }
    EXPECT_EQ(finished, 0);  // every fiber is waiting for its commit
    loop.run_until([&] { return finished == kFibers; });
    EXPECT_EQ(store->read_with([](Conn& c) { return c.query_one("SELECT COUNT(*) FROM t")->i64(0); }), kFibers);
    const StoreStats stats = store->stats();
    EXPECT_LT(stats.commits, static_cast<uint64_t>(kFibers) + 1);  // grouped, not one fsync each
  }
}

TEST(Fiber, FailedWriteRethrowsInTheFiber) {
  {
    TempStore t;
    Store* store = t.store.get();
    Loop loop;
    bool threw = false, done = false;
    spawn_fiber(
        [&] {
          try {
            store->write([](Conn& c) { c.exec("INSERT INTO no_such_table VALUES (1)"); });
          } catch (const StoreError&) {
            threw = true;
          }
          done = true;
        },
        loop.poster());
    loop.run_until([&] { return done; });
    EXPECT_TRUE(threw);
  }
}

TEST(Fiber, RunBlockingLeavesTheFiberThread) {
  std::vector<std::thread> workers;
  set_blocking_executor([&](std::function<void()> work) { workers.emplace_back(std::move(work)); });
  Loop loop;
  bool done = false;
  std::thread::id ran_on;
  spawn_fiber(
      [&] {
        ran_on = run_blocking([] { return std::this_thread::get_id(); });
        done = true;
      },
      loop.poster());
  loop.run_until([&] { return done; });
  for (auto& t : workers) t.join();
  EXPECT_NE(ran_on, std::this_thread::get_id());
  // Outside a fiber it runs inline.
  EXPECT_EQ(run_blocking([] { return std::this_thread::get_id(); }), std::this_thread::get_id());
  EXPECT_THROW(run_blocking([]() -> int { throw std::runtime_error("x"); }), std::runtime_error);
  set_blocking_executor(nullptr);
}

}  // namespace
}  // namespace imhub
