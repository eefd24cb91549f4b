#include "store/write_unit.hpp"

#include "core/fiber.hpp"

namespace imhub {

void write_and_wait(const std::function<void(Conn&)>& fn, const std::function<void(WriteUnit*)>& enqueue,
                    bool repeatable) {
  std::exception_ptr error;
  WriteUnit unit;
  unit.fn = &fn;
  unit.repeatable = repeatable;
  fiber_wait([&](std::function<void()> resume) {
    unit.done = [&error, resume = std::move(resume)](std::exception_ptr e) mutable {
      error = e;
      auto wake = std::move(resume);  // the unit (and this lambda) may vanish once woken
      wake();
    };
    enqueue(&unit);
  });
  if (error) std::rethrow_exception(error);
}

WriteUnit* heap_write_unit(std::function<void(Conn&)> fn, std::function<void(std::exception_ptr)> done) {
  auto* unit = new WriteUnit;
  unit->owned = std::move(fn);
  unit->fn = &unit->owned;
  unit->done = std::move(done);
  unit->heap = true;
  return unit;
}

void enqueue_write_unit(std::mutex& mu, const bool& closed, std::deque<WriteUnit*>& queue, std::condition_variable& cv,
                        WriteUnit* unit) {
  {
    std::lock_guard lock(mu);
    if (!closed) {
      queue.push_back(unit);
      unit = nullptr;
    }
  }
  if (unit) {
    unit->finish(std::make_exception_ptr(StoreError("store is closed")));
    return;
  }
  cv.notify_one();
}

}  // namespace imhub
