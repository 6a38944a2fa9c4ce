// DECOY: the remote-free list with a relaxed CAS where the release is needed. The producer's
// plain write of the link is then not ordered before the owner's read of it after take_all:
// on x86 it "works", under the C++ model it is a data race (and on ARM a stale link).
#pragma once
#include <atomic>
#include <cstdint>

namespace interleave::decoy {

template <class A>
class RelaxedPublish {
 public:
  using Link = typename A::template Plain<std::uintptr_t>;

  void push(void* block) {
    std::uintptr_t old = head_.load(std::memory_order_relaxed);
    for (;;) {
      link_of(block).set(old);
      if (head_.compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(block),
                                      std::memory_order_relaxed,  // BUG: must be release
                                      std::memory_order_relaxed))
        return;
      A::pause();
    }
  }
  void* take_all() {
    if (head_.load(std::memory_order_relaxed) == 0) return nullptr;
    return reinterpret_cast<void*>(head_.exchange(0, std::memory_order_acquire));
  }
  static void* next(void* block) { return reinterpret_cast<void*>(link_of(block).get()); }
  static Link& link_of(void* block) { return *static_cast<Link*>(block); }

 private:
  typename A::template Atomic<std::uintptr_t> head_{0};
};

}  // namespace interleave::decoy
