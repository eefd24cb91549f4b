// Request fibers: writing methods run as stackful fibers on the io thread that read the request.
//
// A writing method spends most of its life waiting for the durable group commit. Parking a
// thread per waiting request (the earlier worker pool) cost two thread wake-ups and two sleeps
// per request; on a 2-core machine the context switches, not SQLite, bounded the message rate.
// A fiber parks for the price of a register swap, and the writer hands every finished unit back
// to the io thread with one post. Method code stays plain synchronous C++: Store::write and
// run_blocking() notice they run in a fiber and suspend it instead of blocking the thread.
//
// C++20 coroutines would need every function between the handler and the store to become a
// coroutine; Boost.Context (the library under Boost.Fiber and Asio's spawn) switches whole
// stacks, so nothing above the store changes.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

namespace imhub {

// Schedules `fn` to run on the thread that owns a fiber; callable from any thread.
using FiberPost = std::function<void(std::function<void()>)>;

struct FiberOptions {
  // Runs on the thread's own stack right after `body` has returned, not on the fiber's: there it
  // may resume an Asio coroutine directly instead of posting to it (the fiber's stack is gone by
  // the time the coroutine would run on it). When `body` ends before spawn_fiber returns, it runs
  // before spawn_fiber returns.
  std::function<void()> on_end;
  // The same for every fiber whose `post` reaches the same thread (its io_context), null for none:
  // resumptions for one home inside a ResumeBatch are handed over together.
  const void* home = nullptr;
};

// Starts `body` as a fiber on the calling thread and runs it until it first suspends or ends.
// Resumptions go through `post`, which must run them on this same thread. `body` must not throw.
void spawn_fiber(std::function<void()> body, FiberPost post, FiberOptions options = {});

// While one lives on a thread, the fibers that thread resumes (the writer's syncer answering a
// commit's units) are gathered and handed to each home in one post when it ends, instead of one
// post per fiber: a post from another thread takes the io_context's lock and may wake it, and a
// commit answers tens of units living on two or three io threads. Fibers without a home are
// posted at once.
class ResumeBatch {
 public:
  ResumeBatch();
  ~ResumeBatch();
  ResumeBatch(const ResumeBatch&) = delete;
  ResumeBatch& operator=(const ResumeBatch&) = delete;
};

// True inside a fiber started by spawn_fiber.
bool in_fiber();

// Waits until the `resume` callback handed to `start` has been called (from any thread, once).
// In a fiber the fiber is parked and the thread goes on with other work; elsewhere the thread
// blocks. `start` runs before the wait begins, so it may call `resume` itself.
void fiber_wait(const std::function<void(std::function<void()> resume)>& start);

// Where run_blocking() sends work from a fiber: a pool of threads that may block (file writes
// with fsync). Set once by the server before it starts serving.
void set_blocking_executor(std::function<void(std::function<void()>)> executor);

// Runs `work` on the blocking executor and parks the calling fiber until it is done.
void run_blocking_erased(const std::function<void()>& work);

// Runs `fn` where blocking is harmless: on the blocking executor when called in a fiber (the io
// thread keeps serving meanwhile), inline otherwise. Exceptions reach the caller.
template <class Fn>
auto run_blocking(Fn&& fn) -> decltype(fn()) {
  using R = decltype(fn());
  if (!in_fiber()) return fn();
  std::exception_ptr error;
  if constexpr (std::is_void_v<R>) {
    run_blocking_erased([&] {
      try {
        fn();
      } catch (...) {
        error = std::current_exception();
      }
    });
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<R> out;
    run_blocking_erased([&] {
      try {
        out.emplace(fn());
      } catch (...) {
        error = std::current_exception();
      }
    });
    if (error) std::rethrow_exception(error);
    return std::move(*out);
  }
}

}  // namespace imhub
