// A small test-and-test-and-set lock over the atomic policy, for the cold paths (arena, pool v1,
// large registry, orphan list). Under the interleaving checker its atomics are scheduling points
// and its spinning goes through A::pause(). In production it yields after a short spin.
#pragma once
#include <cstdint>
#include <sched.h>

namespace hakmem {

// Gives the CPU away in a long spin: the policy's yield() when it has one, else sched_yield().
template <class A>
inline void yield() noexcept {
  if constexpr (requires { A::yield(); })
    A::yield();
  else
    sched_yield();
}

template <class A>
class SpinLock {
 public:
  void lock() noexcept {
    for (unsigned spins = 0;; ++spins) {
      if (!held_.exchange(1, std::memory_order_acquire)) return;
      while (held_.load(std::memory_order_relaxed)) {
        A::pause();
        if (++spins > 64) yield<A>();
      }
    }
  }
  void unlock() noexcept { held_.store(0, std::memory_order_release); }
  // For the fork child and teardown: frees a lock whose holder will never release it.
  void reset() noexcept { held_.store(0, std::memory_order_relaxed); }

 private:
  typename A::template Atomic<std::uint32_t> held_{0};
};

// A LockGuard that a decoy configuration can switch off (On = false), so the interleaving
// checker's tests can prove they see a missing lock. Production always has On = true.
template <class L, bool On>
class MaybeLockGuard {
 public:
  explicit MaybeLockGuard(L& l) noexcept : l_(l) {
    if constexpr (On) l_.lock();
  }
  ~MaybeLockGuard() {
    if constexpr (On) l_.unlock();
  }
  MaybeLockGuard(const MaybeLockGuard&) = delete;
  MaybeLockGuard& operator=(const MaybeLockGuard&) = delete;

 private:
  L& l_;
};

template <class L>
class LockGuard {
 public:
  explicit LockGuard(L& l) noexcept : l_(l) { l_.lock(); }
  ~LockGuard() { l_.unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  L& l_;
};

}  // namespace hakmem
