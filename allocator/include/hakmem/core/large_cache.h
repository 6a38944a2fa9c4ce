// A small cache of freed large-block mappings. Without it every large malloc/free pair is an
// mmap/munmap pair plus a page fault per touched page (orders of magnitude slower than reuse).
// Bounded in entries and bytes so the footprint stays bounded (invariant 7); quiesce() empties
// it. Entries are kept sorted by size, so a request finds its best fit by binary search:
//  - an entry of [size, 2 x size] is handed out whole;
//  - for a request of kReshapeMin or more, a bigger entry is cut: its head serves the request
//    and its tail stays cached (a request never pins a mapping over twice its size), and with no
//    entry as big, the biggest one of at least half the size grows by a remap, keeping its
//    faulted-in pages (large_churn: log-uniform 64 KiB..4 MiB over 8 live blocks faulted 5.6x
//    the pages of mimalloc before this).
// When full, the oldest entry is unmapped.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hakmem/core/os_layer.h"
#include "hakmem/core/spinlock.h"

namespace hakmem {

template <class A>
class LargeCache {
 public:
  // 64 entries: with 32, random sizes over 32..128 KiB over 256 live blocks faulted 2.6x the
  // pages (9144 against 3563 minor faults, 400k ops) and ran 28% slower.
  static constexpr unsigned kEntries = 64;
  static constexpr std::size_t kMaxBytes = std::size_t{32} << 20;
  static constexpr std::size_t kMaxMapping = std::size_t{8} << 20;
  static_assert(kMaxMapping <= kMaxBytes);
  // Cutting and growing pay off only for big requests: below this, faulting a fresh mapping's
  // few pages costs less than the remap's two system calls or the cut's fragmentation
  // (random_large, 32..128 KiB, ran 30% slower with both enabled for every size).
  static constexpr std::size_t kReshapeMin = std::size_t{256} << 10;

  SpinLock<A> lock;  // public so fork handling can take it

  // A mapping of at least `bytes` made from cached ones (see above), or nullptr. `bytes` is a
  // multiple of the page size.
  void* take(OsLayer& os, std::size_t bytes, std::size_t* got) noexcept {
    Entry e;
    {
      LockGuard g(lock);
      const unsigned i = first_at_least(bytes);
      if (i < count_ && (bytes >= kReshapeMin || entries_[i].bytes / 2 <= bytes)) {
        e = remove_at(i);
        if (e.bytes / 2 > bytes) {  // too big to hand out whole: cut, the tail stays cached
          insert({e.base + bytes, e.bytes - bytes, e.stamp});
          os.account_split();
          e.bytes = bytes;
        }
        *got = e.bytes;
        return e.base;
      }
      if (bytes < kReshapeMin || count_ == 0 || entries_[count_ - 1].bytes < bytes / 2) return nullptr;
      e = remove_at(count_ - 1);  // the biggest, at least half the size: grown below
    }
    void* grown = os.remap(e.base, e.bytes, bytes);
    if (!grown) {
      give(os, e.base, e.bytes);
      return nullptr;
    }
    *got = bytes;
    return grown;
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
      while (count_ > 0 && (count_ == kEntries || total_ + bytes > kMaxBytes)) evicted[n++] = remove_at(oldest());
      insert({static_cast<char*>(base), bytes, ++clock_});  // fits: bytes <= kMaxMapping <= kMaxBytes
    }
    for (unsigned i = 0; i < n; ++i) os.unmap(evicted[i].base, evicted[i].bytes);
  }

  // Whether a mapping of [bytes, 2 x bytes] waits here: realloc would rather fill its faulted
  // pages than remap (another thread may take it first).
  bool fits(std::size_t bytes) noexcept {
    LockGuard g(lock);
    const unsigned i = first_at_least(bytes);
    return i < count_ && entries_[i].bytes / 2 <= bytes;
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
  struct Entry {
    char* base;
    std::size_t bytes;
    std::uint64_t stamp;  // when it was given: the oldest is evicted first
  };

  // The following run under the lock. entries_[0..count_) ascend by bytes.
  unsigned first_at_least(std::size_t bytes) const noexcept {
    unsigned lo = 0, hi = count_;
    while (lo < hi) {
      const unsigned mid = (lo + hi) / 2;
      if (entries_[mid].bytes < bytes) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  unsigned oldest() const noexcept {
    unsigned o = 0;
    for (unsigned i = 1; i < count_; ++i)
      if (entries_[i].stamp < entries_[o].stamp) o = i;
    return o;
  }
  Entry remove_at(unsigned i) noexcept {
    const Entry e = entries_[i];
    for (; i + 1 < count_; ++i) entries_[i] = entries_[i + 1];
    --count_;
    total_ -= e.bytes;
    return e;
  }
  void insert(const Entry& e) noexcept {  // room: count_ < kEntries
    unsigned i = count_++;
    for (; i > 0 && entries_[i - 1].bytes > e.bytes; --i) entries_[i] = entries_[i - 1];
    entries_[i] = e;
    total_ += e.bytes;
  }

  Entry entries_[kEntries];
  unsigned count_ = 0;
  std::size_t total_ = 0;
  std::uint64_t clock_ = 0;
};

}  // namespace hakmem
