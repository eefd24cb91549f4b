// A write unit as the stores' writers queue it (store.hpp write() / write_async()), shared by the
// SQLite and the PostgreSQL store: how a caller waits for its unit, how a queue takes one, and the
// units-per-commit histogram of StoreStats.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>

#include "store/store.hpp"

namespace imhub {

struct WriteUnit {
  const std::function<void(Conn&)>* fn = nullptr;
  std::function<void(std::exception_ptr)> done;
  std::function<void(Conn&)> owned;
  bool heap = false;
  // Store::write_repeatable: `fn` may run again after a rollback of its run.
  bool repeatable = false;
  // Runs of `fn` rolled back because they collided with another writer (PostgreSQL's store runs
  // such a unit again in a later transaction; SQLite's single writer never collides).
  int collisions = 0;

  // A stack unit may be gone as soon as `done` has woken its owner: read nothing after it.
  void finish(std::exception_ptr error) {
    const bool owned_here = heap;
    done(error);
    if (owned_here) delete this;
  }
};

// Hands `fn` to `enqueue` as a unit on this stack and waits for its end, rethrowing its failure. In a
// request fiber the fiber parks while the unit waits for its commit (core/fiber.hpp); elsewhere the
// calling thread blocks.
void write_and_wait(const std::function<void(Conn&)>& fn, const std::function<void(WriteUnit*)>& enqueue,
                    bool repeatable = false);

// A unit that owns `fn` and deletes itself once finished (write_async).
WriteUnit* heap_write_unit(std::function<void(Conn&)> fn, std::function<void(std::exception_ptr)> done);

// Appends `unit` to a writer's queue and wakes the writer; a closed store fails the unit at once
// (through `done`, like any other failure).
void enqueue_write_unit(std::mutex& mu, const bool& closed, std::deque<WriteUnit*>& queue, std::condition_variable& cv,
                        WriteUnit* unit);

// The StoreStats::batch_size_buckets bucket of a commit of `units` units (1, 2, 4, … 64, +Inf).
inline size_t batch_size_bucket(size_t units) {
  size_t b = 0;
  while (b < 7 && units > (size_t{1} << b)) ++b;
  return b;
}

}  // namespace imhub
