// DECOY: a Treiber stack whose head is a plain pointer. pop() reads head A and A->next, and
// its CAS succeeds if head is A again, even when A was popped, B popped and A pushed back in
// between: head becomes B, which another thread holds (ABA).
#pragma once
#include <atomic>
#include <cstdint>

namespace interleave::decoy {

template <class A>
class TreiberNoTag {
 public:
  using Link = typename A::template Atomic<std::uintptr_t>;
  explicit TreiberNoTag(const void* /*base*/) {}

  void push_chain(void* first, void* last, std::uint32_t n) {
    len_.fetch_add(n, std::memory_order_relaxed);
    std::uintptr_t old = head_.load(std::memory_order_relaxed);
    for (;;) {
      link_of(last).store(old, std::memory_order_relaxed);
      if (head_.compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(first),
                                      std::memory_order_release, std::memory_order_relaxed))
        return;
      A::pause();
    }
  }
  void push(void* b) { push_chain(b, b, 1); }

  void* pop() {
    std::uintptr_t old = head_.load(std::memory_order_acquire);
    for (;;) {
      if (!old) return nullptr;
      const std::uintptr_t next = link_of(reinterpret_cast<void*>(old)).load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(old, next, std::memory_order_acquire, std::memory_order_acquire)) {
        len_.fetch_sub(1, std::memory_order_relaxed);
        return reinterpret_cast<void*>(old);
      }
      A::pause();
    }
  }

  std::uint32_t length() const { return len_.load(std::memory_order_relaxed); }
  template <class F>
  void for_each_quiescent(F&& f) {
    for (std::uintptr_t p = head_.load(std::memory_order_acquire); p;
         p = link_of(reinterpret_cast<void*>(p)).load(std::memory_order_relaxed))
      f(reinterpret_cast<void*>(p));
  }
  static Link& link_of(void* b) { return *static_cast<Link*>(b); }

 private:
  typename A::template Atomic<std::uintptr_t> head_{0};
  typename A::template Atomic<std::uint32_t> len_{0};
};

}  // namespace interleave::decoy
