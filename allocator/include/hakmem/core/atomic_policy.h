// The atomic policy: every shared-memory operation of the lock-free paths goes through it.
// Production uses StdAtomics (plain std::atomic, zero overhead). The interleaving checker
// supplies a policy with the same shape whose operations are scheduling points.
//
// A policy P provides:
//   P::Atomic<T>   std::atomic-like: load, store, exchange, compare_exchange_{weak,strong},
//                  fetch_add, fetch_sub; constructible from T; sizeof == sizeof(T) so it can be
//                  placed in a block's first word.
//   P::Plain<T>    a plain (non-atomic) shared cell: get(), set(v); sizeof == sizeof(T).
//                  Production: just T. The checker race-checks it with vector clocks.
//   P::pause()     spin-wait hint (a yield point under the checker).
//   P::wait(a, old) / P::notify_all(a)   block until a != old / wake waiters (drainer sleep).
#pragma once
#include <atomic>
#include <cstdint>

namespace hakmem {

template <class T>
struct PlainCell {
  T value;
  T get() const noexcept { return value; }
  void set(T v) noexcept { value = v; }
};

struct StdAtomics {
  template <class T>
  using Atomic = std::atomic<T>;
  template <class T>
  using Plain = PlainCell<T>;

  static void pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  template <class T>
  static void wait(Atomic<T>& a, T old) noexcept {
    a.wait(old, std::memory_order_acquire);
  }
  template <class T>
  static void notify_all(Atomic<T>& a) noexcept {
    a.notify_all();
  }
};

// View a block's first word as a policy cell. Blocks are raw memory owned by the allocator;
// their first word is the link of whichever list currently holds them.
template <class Cell>
inline Cell& cell_at(void* p) noexcept {
  static_assert(sizeof(Cell) == sizeof(std::uintptr_t), "link cells are one word");
  return *static_cast<Cell*>(p);
}

}  // namespace hakmem
