// DECOY: the textbook Treiber stack (no length counter, no flow control), head a plain
// pointer: the smallest form of the 2-thread ABA. Pop reads head A and A->next = B; if another
// thread pops A and B and pushes A back before the CAS, the CAS succeeds and installs B,
// which that thread holds.
#pragma once
#include <atomic>
#include <cstdint>

namespace interleave::decoy {

template <class A>
class TreiberClassic {
 public:
  using Link = typename A::template Atomic<std::uintptr_t>;
  explicit TreiberClassic(const void* /*base*/) {}

  void push_chain(void* first, void* last, std::uint32_t /*n*/) {
    std::uintptr_t old = head_.load(std::memory_order_relaxed);
    for (;;) {
      link_of(last).store(old, std::memory_order_relaxed);
      if (head_.compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(first),
                                      std::memory_order_release, std::memory_order_relaxed))
        return;
    }
  }
  void push(void* b) { push_chain(b, b, 1); }

  void* pop() {
    std::uintptr_t old = head_.load(std::memory_order_acquire);
    while (old) {
      const std::uintptr_t next = link_of(reinterpret_cast<void*>(old)).load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(old, next, std::memory_order_acquire, std::memory_order_acquire))
        return reinterpret_cast<void*>(old);
    }
    return nullptr;
  }

  template <class F>
  void for_each_quiescent(F&& f) {
    for (std::uintptr_t p = head_.load(std::memory_order_acquire); p;
         p = link_of(reinterpret_cast<void*>(p)).load(std::memory_order_relaxed))
      f(reinterpret_cast<void*>(p));
  }
  static Link& link_of(void* b) { return *static_cast<Link*>(b); }

 private:
  typename A::template Atomic<std::uintptr_t> head_{0};
};

}  // namespace interleave::decoy
