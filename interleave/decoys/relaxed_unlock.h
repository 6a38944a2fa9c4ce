// DECOY (only a modification order that no interleaving has shows it): hakmem's test-and-
// test-and-set SpinLock (allocator/include/hakmem/core/spinlock.h) with its unlock made
// relaxed. Data behind the lock that is itself atomic, written with relaxed stores and read
// without the lock elsewhere (as pool_carved is under the pool lock), is then no longer
// ordered from one holder to the next: no data race, no stale read, yet RC11 lets the later
// holder's store land below the earlier holder's in mo (the S shape).
#pragma once
#include <atomic>
#include <cstdint>

#include "hakmem/core/spinlock.h"

namespace interleave::decoy {

template <class A>
class RelaxedUnlockLock {
 public:
  void lock() noexcept {  // as SpinLock::lock
    for (unsigned spins = 0;; ++spins) {
      if (!held_.exchange(1, std::memory_order_acquire)) return;
      while (held_.load(std::memory_order_relaxed)) {
        A::pause();
        if (++spins > 64) hakmem::yield<A>();
      }
    }
  }
  void unlock() noexcept { held_.store(0, std::memory_order_relaxed); }  // BUG: release

 private:
  typename A::template Atomic<std::uint32_t> held_{0};
};

}  // namespace interleave::decoy
