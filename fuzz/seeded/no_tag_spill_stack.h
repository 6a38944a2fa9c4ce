// SEEDED BUG (never used outside fuzz/): the spill stack without its ABA tag. A pop reads head
// A and A->next B, is preempted, another thread pops A, pops B and pushes A back; the first
// pop's CAS A -> B then succeeds and hands out B, which the other thread holds: one block
// handed out twice (invariant 1). Only `spill_race`'s seeded-bug build uses it.
#pragma once
#include <cstdint>

#include "hakmem/core/atomic_policy.h"

namespace hakmem::fuzz {

template <class A>
class NoTagSpillStack {
 public:
  using Link = typename A::template Atomic<std::uintptr_t>;
  explicit NoTagSpillStack(const void* = nullptr) noexcept {}

  void push_chain(void* first, void* last, std::uint32_t n) noexcept {
    len_.fetch_add(n, std::memory_order_relaxed);
    std::uintptr_t old = head_.load(std::memory_order_relaxed);
    for (;;) {
      link_of(last).store(old, std::memory_order_relaxed);
      if (head_.compare_exchange_weak(old, reinterpret_cast<std::uintptr_t>(first), std::memory_order_release,
                                      std::memory_order_relaxed))
        return;
      A::pause();
    }
  }
  void push(void* block) noexcept { push_chain(block, block, 1); }
  void* pop() noexcept {
    std::uintptr_t old = head_.load(std::memory_order_acquire);
    for (;;) {
      if (old == 0) return nullptr;
      const std::uintptr_t next = link_of(reinterpret_cast<void*>(old)).load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(old, next, std::memory_order_acquire, std::memory_order_acquire)) {
        len_.fetch_sub(1, std::memory_order_relaxed);
        return reinterpret_cast<void*>(old);
      }
      A::pause();
    }
  }
  std::uint32_t length() const noexcept { return len_.load(std::memory_order_relaxed); }
  template <class F>
  std::uint32_t for_each_quiescent(F&& f) noexcept {
    std::uint32_t n = 0;
    for (std::uintptr_t p = head_.load(std::memory_order_acquire); p && n < 1024; ++n) {
      f(reinterpret_cast<void*>(p));
      p = link_of(reinterpret_cast<void*>(p)).load(std::memory_order_relaxed);
    }
    return n;
  }
  static Link& link_of(void* block) noexcept { return cell_at<Link>(block); }

 private:
  typename A::template Atomic<std::uintptr_t> head_{0};
  typename A::template Atomic<std::uint32_t> len_{0};
};

}  // namespace hakmem::fuzz
