// Spill queue of one size class: a lock-free Treiber stack of free blocks plus the length
// counter that the free path reads for flow control (the seed's g_bg_spill_head / _len).
//
// Both atomics are correctness state, never telemetry (the seed's Phase 28 lesson): the free
// path pushes only while length() < target, so the length steers behaviour.
//
// ABA: the head packs a 32-bit block offset (16-byte units from `base`) with a 32-bit tag that
// every successful CAS bumps, so a pop whose node was popped and pushed back in between fails.
//
// Length discipline (invariant 6 of DESIGN.md): a push raises the length *before* it publishes
// the chain and a pop lowers it *after* it unlinks the node, so
//     list length <= length() <= list length + operations in flight,
// and the length never goes below zero.
#pragma once
#include <cstdint>
#include <type_traits>

#include "hakmem/core/atomic_policy.h"

namespace hakmem {

template <class A>
class SpillStack {
 public:
  using Link = typename A::template Atomic<std::uintptr_t>;

  // `base` must lie at least 16 bytes below every block pushed, and blocks must lie within
  // 64 GiB above it (offset 0 is the empty stack).
  explicit SpillStack(const void* base = nullptr) noexcept
      : base_(reinterpret_cast<std::uintptr_t>(base)) {}

  void set_base(const void* base) noexcept { base_ = reinterpret_cast<std::uintptr_t>(base); }

  // Pushes the chain first -> ... -> last (already linked through link_of) of n blocks.
  void push_chain(void* first, void* last, std::uint32_t n) noexcept {
    len_.fetch_add(n, std::memory_order_relaxed);
    publish_chain(first, last);
  }

  // Flow control that holds with threads overflowing at once: raises the length by the most
  // blocks, up to `want`, that keep it within `limit`, and returns that number (0: no room).
  // *seen is the length it raised from. A read of length() followed by push_chain() lets two
  // threads both see the same room and push past the limit together (a stress run caught 288
  // blocks against a target of 256). The caller then publishes exactly that many blocks with
  // publish_chain(): the length is raised before the chain is published, as push_chain does.
  std::uint32_t reserve(std::uint32_t limit, std::uint32_t want, std::uint32_t* seen) noexcept {
    std::uint32_t cur = len_.load(std::memory_order_relaxed);
    for (;;) {
      const std::uint32_t room = cur < limit ? limit - cur : 0;
      const std::uint32_t n = room < want ? room : want;
      if (n == 0 || len_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed, std::memory_order_relaxed)) {
        *seen = cur;
        return n;
      }
    }
  }

  // Publishes a chain whose blocks reserve() has counted already.
  void publish_chain(void* first, void* last) noexcept {
    std::uint64_t old = head_.load(std::memory_order_relaxed);
    for (;;) {
      link_of(last).store(pointer_of(old), std::memory_order_relaxed);
      const std::uint64_t desired = pack(offset_of(first), tag_of(old) + 1);
      if (head_.compare_exchange_weak(old, desired, std::memory_order_release,
                                      std::memory_order_relaxed))
        return;
      A::pause();
    }
  }

  void push(void* block) noexcept { push_chain(block, block, 1); }

  // Pops one block, or returns nullptr when the stack is empty.
  void* pop() noexcept {
    std::uint64_t old = head_.load(std::memory_order_acquire);
    for (;;) {
      if (offset_part(old) == 0) return nullptr;
      void* node = block_at(offset_part(old));
      const std::uintptr_t next = speculative_next(node);
      const std::uint64_t desired = pack(next ? offset_of(reinterpret_cast<void*>(next)) : 0,
                                         tag_of(old) + 1);
      if (head_.compare_exchange_weak(old, desired, std::memory_order_acquire,
                                      std::memory_order_acquire)) {
        len_.fetch_sub(1, std::memory_order_relaxed);
        return node;
      }
      A::pause();
    }
  }

  // The flow-control read.
  std::uint32_t length() const noexcept { return len_.load(std::memory_order_relaxed); }

  // Walks the list; only meaningful at quiescence (used by heap checks and tests).
  template <class F>
  std::uint32_t for_each_quiescent(F&& f) noexcept {
    std::uint32_t n = 0;
    std::uintptr_t p = pointer_of(head_.load(std::memory_order_acquire));
    while (p) {
      void* node = reinterpret_cast<void*>(p);
      f(node);
      ++n;
      p = link_of(node).load(std::memory_order_relaxed);
    }
    return n;
  }

  // Sets the length to the list's real length. Only for a single-threaded process whose other
  // threads vanished mid-operation (a fork child): their in-flight adjustments never land.
  void repair_length_quiescent() noexcept {
    len_.store(for_each_quiescent([](void*) {}), std::memory_order_relaxed);
  }

  static Link& link_of(void* block) noexcept { return cell_at<Link>(block); }

 private:
  // The one load of a Treiber pop that may race: `node` may have been popped and reused since
  // the head was read, so another thread may be writing it (as user data, or as a remote-list
  // link). The value is then stale and the tagged CAS that follows fails, so it is never used.
  // The node's memory is always mapped: arena superslabs are decommitted with MADV_DONTNEED,
  // never unmapped or protected, while the instance lives.
  // Under the interleaving checker this is a policy load (it models and checks exactly this
  // case); in production it is a volatile word load kept out of ThreadSanitizer's view, because
  // the race is by design and a TSan report here would be noise.
  static std::uintptr_t speculative_next(void* node) noexcept {
    if constexpr (std::is_same_v<A, StdAtomics>)
      return untracked_load(node);
    else
      return link_of(node).load(std::memory_order_relaxed);
  }
  __attribute__((no_sanitize("thread"))) static std::uintptr_t untracked_load(void* node) noexcept {
    return *static_cast<volatile std::uintptr_t*>(node);
  }

  static std::uint64_t pack(std::uint32_t off, std::uint32_t tag) noexcept {
    return (std::uint64_t{tag} << 32) | off;
  }
  static std::uint32_t offset_part(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h); }
  static std::uint32_t tag_of(std::uint64_t h) noexcept { return static_cast<std::uint32_t>(h >> 32); }
  std::uint32_t offset_of(void* p) const noexcept {
    return static_cast<std::uint32_t>((reinterpret_cast<std::uintptr_t>(p) - base_) >> 4);
  }
  void* block_at(std::uint32_t off) const noexcept {
    return reinterpret_cast<void*>(base_ + (std::uintptr_t{off} << 4));
  }
  std::uintptr_t pointer_of(std::uint64_t h) const noexcept {
    return offset_part(h) ? reinterpret_cast<std::uintptr_t>(block_at(offset_part(h))) : 0;
  }

  typename A::template Atomic<std::uint64_t> head_{0};
  typename A::template Atomic<std::uint32_t> len_{0};
  std::uintptr_t base_;
};

}  // namespace hakmem
