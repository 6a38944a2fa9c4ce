// DECOY (weak-memory tier only): the spill stack's push publishing with a relaxed CAS. The
// links are atomics, so there is no data race to report and every sequentially consistent
// interleaving is correct; but a pop that sees the new head need not see the new block's
// link (it may read an older link value) and installs a wrong head: blocks are lost or
// handed out twice.
#pragma once
#include <atomic>
#include <cstdint>

#include "tagged_head.h"

namespace interleave::decoy {

template <class A>
class RelaxedPush {
 public:
  using Link = typename A::template Atomic<std::uintptr_t>;
  explicit RelaxedPush(const void* base) { h_.base = reinterpret_cast<std::uintptr_t>(base); }

  void push_chain(void* first, void* last, std::uint32_t n) {
    len_.fetch_add(n, std::memory_order_relaxed);
    std::uint64_t old = head_.load(std::memory_order_relaxed);
    for (;;) {
      link_of(last).store(h_.pointer(old), std::memory_order_relaxed);
      const std::uint64_t desired =
          TaggedHead::pack(h_.offset_of(reinterpret_cast<std::uintptr_t>(first)), TaggedHead::tag(old) + 1);
      if (head_.compare_exchange_weak(old, desired, std::memory_order_relaxed,  // BUG: release
                                      std::memory_order_relaxed))
        return;
      A::pause();
    }
  }
  void push(void* b) { push_chain(b, b, 1); }

  void* pop() {
    std::uint64_t old = head_.load(std::memory_order_acquire);
    for (;;) {
      if (!TaggedHead::offset(old)) return nullptr;
      void* node = reinterpret_cast<void*>(h_.pointer(old));
      const std::uintptr_t next = link_of(node).load(std::memory_order_relaxed);
      const std::uint64_t desired = TaggedHead::pack(h_.offset_of(next), TaggedHead::tag(old) + 1);
      if (head_.compare_exchange_weak(old, desired, std::memory_order_acquire, std::memory_order_acquire)) {
        len_.fetch_sub(1, std::memory_order_relaxed);
        return node;
      }
      A::pause();
    }
  }

  std::uint32_t length() const { return len_.load(std::memory_order_relaxed); }
  template <class F>
  void for_each_quiescent(F&& f) {
    for (std::uintptr_t p = h_.pointer(head_.load(std::memory_order_acquire)); p;
         p = link_of(reinterpret_cast<void*>(p)).load(std::memory_order_relaxed))
      f(reinterpret_cast<void*>(p));
  }
  static Link& link_of(void* b) { return *static_cast<Link*>(b); }

 private:
  TaggedHead h_;
  typename A::template Atomic<std::uint64_t> head_{0};
  typename A::template Atomic<std::uint32_t> len_{0};
};

}  // namespace interleave::decoy
