// Remote-free list of one heap: a lock-free multi-producer, single-consumer stack. Any thread
// that frees a block owned by this heap pushes it here; the heap's current holder (its thread,
// or the thread that adopted it) takes the whole list at once and returns the blocks to their
// slabs. The link lives in the block's first word as a plain cell: it is written before the
// release CAS that publishes the block and read after the acquire exchange that takes it, so
// the release/acquire pair orders it (a relaxed publish is a data race the checker reports).
#pragma once
#include <cstdint>

#include "hakmem/core/atomic_policy.h"

namespace hakmem {

template <class A>
class RemoteList {
 public:
  using Link = typename A::template Plain<std::uintptr_t>;

  void push(void* block) noexcept {
    std::uintptr_t old = head_.load(std::memory_order_relaxed);
    for (;;) {
      link_of(block).set(old);
      if (head_.compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(block),
                                      std::memory_order_release, std::memory_order_relaxed))
        return;
      A::pause();
    }
  }

  // Pushes a chain first..last already linked through their link cells (last's is overwritten):
  // one CAS for the lot.
  void push_chain(void* first, void* last) noexcept {
    std::uintptr_t old = head_.load(std::memory_order_relaxed);
    for (;;) {
      link_of(last).set(old);
      if (head_.compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(first),
                                      std::memory_order_release, std::memory_order_relaxed))
        return;
      A::pause();
    }
  }

  // Takes every pushed block; returns the first (walk with next()), or nullptr.
  void* take_all() noexcept {
    if (head_.load(std::memory_order_relaxed) == 0) return nullptr;  // cheap check, no RMW
    return reinterpret_cast<void*>(head_.exchange(0, std::memory_order_acquire));
  }

  bool maybe_nonempty() const noexcept { return head_.load(std::memory_order_relaxed) != 0; }

  // The first pushed block without taking the list; only meaningful at quiescence (heap checks).
  void* peek_quiescent() const noexcept {
    return reinterpret_cast<void*>(head_.load(std::memory_order_acquire));
  }

  static void* next(void* block) noexcept {
    return reinterpret_cast<void*>(link_of(block).get());
  }
  static Link& link_of(void* block) noexcept { return cell_at<Link>(block); }

 private:
  typename A::template Atomic<std::uintptr_t> head_{0};
};

}  // namespace hakmem
