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
#include <string>
#include <vector>

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

// What a store's writer threads share with the threads that hand them units: the queue, the
// counters and write health StoreStats reports, and the durable-commit listener (the same in the
// SQLite and the PostgreSQL store). Writers wait on `cv` under `mu` with conditions of their own.
class WriteQueue {
 public:
  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<WriteUnit*> units;  // guarded by mu
  bool closed = false;           // guarded by mu

  // Appends `unit` and wakes a writer; a closed queue fails the unit at once (through `done`,
  // like any other failure).
  void push(WriteUnit* unit);
  // Puts `again` back at the head of the queue, in their order, and wakes a writer.
  void push_front(const std::vector<WriteUnit*>& again);
  // Closes the queue and wakes every writer; false when it was closed already.
  bool close();

  // One commit of `committed` units, for StoreStats.
  void count_commit(size_t committed);
  // Write health for /healthz: the last commit's outcome ("" = it succeeded).
  void note_write_result(const std::string& error);
  StoreStats stats() const;

  // Store::on_durable_commit, and its call after each durable commit (nothing while unset).
  void set_commit_listener(std::function<void()> fn);
  void run_commit_listener() const;

 private:
  uint64_t commits_ = 0;  // the rest guarded by mu
  uint64_t units_ = 0;
  std::vector<uint64_t> batch_buckets_ = std::vector<uint64_t>(8, 0);
  std::string write_error_;
  int64_t write_error_at_ = 0;
  mutable std::mutex listener_mu_;
  std::function<void()> commit_listener_;
};

// The StoreStats::batch_size_buckets bucket of a commit of `units` units (1, 2, 4, … 64, +Inf).
inline size_t batch_size_bucket(size_t units) {
  size_t b = 0;
  while (b < 7 && units > (size_t{1} << b)) ++b;
  return b;
}

}  // namespace imhub
