// A small cache of freed large-block mappings. Without it every large malloc/free pair is an
// mmap/munmap pair plus a page fault per touched page (orders of magnitude slower than reuse).
// Bounded in entries and bytes so the footprint stays bounded (invariant 7); quiesce() empties
// it. A mapping is reused only for a request that needs at least half of it, so a small request
// never pins a huge mapping. 32 entries: with 8, random sizes over 32..128 KiB found no fit in
// [size, 2 x size] on 6% of requests, and those misses (mmap, munmap, faults) were most of the
// time of bench random_large.
#pragma once
#include <cstddef>

#include "hakmem/core/os_layer.h"
#include "hakmem/core/spinlock.h"

namespace hakmem {

template <class A>
class LargeCache {
 public:
  static constexpr unsigned kEntries = 32;
  static constexpr std::size_t kMaxBytes = std::size_t{32} << 20;
  static constexpr std::size_t kMaxMapping = std::size_t{8} << 20;
  static_assert(kMaxMapping <= kMaxBytes);

  SpinLock<A> lock;  // public so fork handling can take it

  // A cached mapping of at least `bytes` (and at most twice that), or nullptr.
  void* take(std::size_t bytes, std::size_t* got) noexcept {
    LockGuard g(lock);
    const unsigned best = best_fit(bytes);
    if (best == kEntries) return nullptr;
    Entry e = entries_[best];
    entries_[best] = entries_[--count_];
    total_ -= e.bytes;
    *got = e.bytes;
    return e.base;
  }

  // Keeps the mapping, evicting the oldest ones as needed to stay within the bounds.
  void give(OsLayer& os, void* base, std::size_t bytes) noexcept {
    if (bytes > kMaxMapping) {
      os.unmap(base, bytes);
      return;
    }
    Entry evicted[kEntries];
    unsigned n = 0;
    {
      LockGuard g(lock);
      while (count_ > 0 && (count_ == kEntries || total_ + bytes > kMaxBytes)) {
        evicted[n++] = entries_[0];
        total_ -= entries_[0].bytes;
        for (unsigned i = 1; i < count_; ++i) entries_[i - 1] = entries_[i];
        --count_;
      }
      entries_[count_++] = {base, bytes};  // fits: bytes <= kMaxMapping <= kMaxBytes
      total_ += bytes;
    }
    for (unsigned i = 0; i < n; ++i) os.unmap(evicted[i].base, evicted[i].bytes);
  }

  // Whether take(bytes) would find a mapping now (another thread may take it first).
  bool fits(std::size_t bytes) noexcept {
    LockGuard g(lock);
    return best_fit(bytes) != kEntries;
  }

  // Whether a freed mapping starting at `base` is waiting here (diagnosing a bad free only).
  bool holds(const void* base) noexcept {
    LockGuard g(lock);
    for (unsigned i = 0; i < count_; ++i)
      if (entries_[i].base == base) return true;
    return false;
  }

  void flush(OsLayer& os) noexcept {
    Entry all[kEntries];
    unsigned n;
    {
      LockGuard g(lock);
      n = count_;
      for (unsigned i = 0; i < n; ++i) all[i] = entries_[i];
      count_ = 0;
      total_ = 0;
    }
    for (unsigned i = 0; i < n; ++i) os.unmap(all[i].base, all[i].bytes);
  }

 private:
  // The smallest entry of at least `bytes` and at most twice that; kEntries if none. Locked.
  unsigned best_fit(std::size_t bytes) const noexcept {
    unsigned best = kEntries;
    for (unsigned i = 0; i < count_; ++i)
      if (entries_[i].bytes >= bytes && entries_[i].bytes / 2 <= bytes &&
          (best == kEntries || entries_[i].bytes < entries_[best].bytes))
        best = i;
    return best;
  }

  struct Entry {
    void* base;
    std::size_t bytes;
  };
  Entry entries_[kEntries];
  unsigned count_ = 0;
  std::size_t total_ = 0;
};

}  // namespace hakmem
