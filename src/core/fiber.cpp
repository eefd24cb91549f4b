#include "core/fiber.hpp"

#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace imhub {

namespace {

namespace ctx = boost::context;

// Method code, SQLite's parser and the JSON writers stay far below this; the guard page below
// each stack turns an overflow into a crash, never into corruption. Only touched pages count.
constexpr size_t kStackSize = 512 * 1024;
constexpr size_t kStacksKept = 256;

// Stacks are mapped once and reused by the thread that freed them: mapping one per request
// would cost two system calls and fresh page faults on every write.
class StackCache {
 public:
  ~StackCache() {
    ctx::protected_fixedsize_stack alloc(kStackSize);
    for (ctx::stack_context& s : free_) alloc.deallocate(s);
  }
  ctx::stack_context take() {
    if (free_.empty()) return ctx::protected_fixedsize_stack(kStackSize).allocate();
    ctx::stack_context s = free_.back();
    free_.pop_back();
    return s;
  }
  void give(ctx::stack_context& s) {
    if (free_.size() < kStacksKept) {
      free_.push_back(s);
      return;
    }
    ctx::protected_fixedsize_stack(kStackSize).deallocate(s);
  }
  static StackCache& local() {
    thread_local StackCache cache;
    return cache;
  }

 private:
  std::vector<ctx::stack_context> free_;
};

struct PooledStack {
  ctx::stack_context allocate() { return StackCache::local().take(); }
  void deallocate(ctx::stack_context& s) { StackCache::local().give(s); }
};

struct Fiber : std::enable_shared_from_this<Fiber> {
  std::function<void()> body;
  FiberPost post;
  FiberOptions options;
  ctx::fiber self;  // the parked fiber, resumed by step()
  ctx::fiber loop;  // inside the fiber: the thread's own context, to park into
};

thread_local Fiber* tl_current = nullptr;

// The ResumeBatch objects alive on this thread, and the resumptions they gathered in the order
// they came (nested batches share the outermost one's list).
thread_local int tl_batch_depth = 0;
thread_local std::vector<std::shared_ptr<Fiber>> tl_batched;

std::function<void(std::function<void()>)>& blocking_executor() {
  static std::function<void(std::function<void()>)> executor;
  return executor;
}

// Runs `f` until it parks or ends. `f` is held by the caller for the whole step.
void step(const std::shared_ptr<Fiber>& f) {
  Fiber* outer = std::exchange(tl_current, f.get());
  f->self = std::move(f->self).resume();
  tl_current = outer;
  if (!f->self && f->options.on_end) {  // the body has returned: its stack is done with
    auto on_end = std::move(f->options.on_end);
    f->options.on_end = nullptr;
    on_end();
  }
}

// Hands a parked fiber back to its thread: now, or with the others of its home when the batch ends.
void resume_later(const std::shared_ptr<Fiber>& f) {
  if (tl_batch_depth > 0 && f->options.home) {
    tl_batched.push_back(f);
    return;
  }
  f->post([f] { step(f); });
}

void wait_blocking(const std::function<void(std::function<void()>)>& start) {
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  start([state] {
    std::lock_guard lock(state->mu);
    state->done = true;
    state->cv.notify_one();
  });
  std::unique_lock lock(state->mu);
  state->cv.wait(lock, [&] { return state->done; });
}

}  // namespace

void spawn_fiber(std::function<void()> body, FiberPost post, FiberOptions options) {
  auto f = std::make_shared<Fiber>();
  f->body = std::move(body);
  f->post = std::move(post);
  f->options = std::move(options);
  Fiber* raw = f.get();
  f->self = ctx::fiber(std::allocator_arg, PooledStack(), [raw](ctx::fiber&& loop) {
    raw->loop = std::move(loop);
    raw->body();
    raw->body = nullptr;  // its captures go now, on this stack, not when the last owner lets go
    return std::move(raw->loop);
  });
  step(f);
}

bool in_fiber() { return tl_current != nullptr; }

void fiber_wait(const std::function<void(std::function<void()> resume)>& start) {
  Fiber* f = tl_current;
  if (!f) {
    wait_blocking(start);
    return;
  }
  // `keep` on the parked stack keeps the fiber alive until it is resumed: a resumption that never
  // comes (a process stopping) leaves it parked rather than unwinding a stack mid-transaction.
  std::shared_ptr<Fiber> keep = f->shared_from_this();
  // The resumption is always posted, never run inline: even when `start` resumes at once, the
  // fiber is parked by the time the thread runs the posted step.
  start([keep] { resume_later(keep); });
  f->loop = std::move(f->loop).resume();
}

ResumeBatch::ResumeBatch() { ++tl_batch_depth; }

ResumeBatch::~ResumeBatch() {
  if (--tl_batch_depth > 0) return;
  std::vector<std::shared_ptr<Fiber>> fibers;
  fibers.swap(tl_batched);
  // One post per home, holding that home's fibers in the order they were resumed.
  while (!fibers.empty()) {
    const void* home = fibers.front()->options.home;
    std::vector<std::shared_ptr<Fiber>> group;
    std::vector<std::shared_ptr<Fiber>> rest;
    for (auto& f : fibers) (f->options.home == home ? group : rest).push_back(std::move(f));
    const std::shared_ptr<Fiber> first = group.front();
    first->post([group = std::move(group)] {
      for (const auto& f : group) step(f);
    });
    fibers.swap(rest);
  }
}

void set_blocking_executor(std::function<void(std::function<void()>)> executor) {
  blocking_executor() = std::move(executor);
}

void run_blocking_erased(const std::function<void()>& work) {
  auto& executor = blocking_executor();
  if (!executor) {
    work();
    return;
  }
  fiber_wait([&](std::function<void()> resume) {
    executor([&work, resume = std::move(resume)] {
      work();
      resume();
    });
  });
}

}  // namespace imhub
