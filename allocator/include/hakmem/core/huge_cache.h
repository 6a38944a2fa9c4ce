// Freed mappings too big for the large cache (over LargeCache::kMaxMapping), kept a while for the
// next big request, whose pages are then already faulted in. A program that replaces big
// value-initialised buffers (malloc-large: 20 live of 5..25 MiB) otherwise unmaps one and faults
// a fresh one in at every replacement, a page fault per 4 KiB (on this VM 5-10 us each).
// - a request takes the smallest entry that holds it; from one over twice its size it takes the
//   head and the tail stays cached (so a request never pins more than twice its size, and the
//   tail's pages stay faulted in for the next one);
// - with none that holds it, the biggest entry of at least half its size grows by a remap, which
//   moves its faulted-in pages and adds only the rest;
// - an entry waits at most the purge delay on the allocator's clock (Options::clock_ms): the next
//   big free or malloc after that unmaps it; with no clock only the bounds below and flush()
//   (quiesce) give entries back, so tests and the checker decide alike on every run;
// - a range given back next to a cached range of the same mapping (the head a cut handed out,
//   back while its tail waits) joins it: the mapping is whole again for a request of its size;
// - at most kEntries entries and bytes_bound(): kMinBytes plus half the bytes of the blocks in
//   huge mappings that are live (a program with 300 MiB of big buffers keeps up to 182 MiB, one
//   with none 32 MiB, never more than kMaxBytes); a free past that unmaps the oldest first.
#pragma once
#include <cstddef>
#include <cstdint>

#include "hakmem/core/large_cache.h"
#include "hakmem/core/os_layer.h"
#include "hakmem/core/spinlock.h"

namespace hakmem {

// NeverExpires = true only in a decoy test: entries outlive the purge delay. JoinAcrossMappings =
// true only in a decoy test: it joins any adjacent ranges, the defect the origin check prevents
// (one munmap or mremap would then span two mappings).
template <class A, bool NeverExpires = false, bool JoinAcrossMappings = false>
class HugeCache {
 public:
  static constexpr unsigned kEntries = 8;
  static constexpr std::size_t kMinBytes = std::size_t{32} << 20;
  static constexpr std::size_t kMaxBytes = std::size_t{256} << 20;

  SpinLock<A> lock;  // public so fork handling can take it

  // A range of at least `bytes` (a multiple of the page size) into *out, or false. A grown range
  // is a new mapping: out->origin = kFreshOrigin.
  bool take(OsLayer& os, std::size_t bytes, LargeRange* out, std::uint64_t now, std::uint32_t delay) noexcept {
    Entry e{};
    LargeRange expired[kEntries];
    unsigned n_expired = 0;
    bool cut = false;
    {
      LockGuard g(lock);
      n_expired = take_expired(now, delay, expired);
      unsigned best = kNone, biggest = kNone;
      for (unsigned i = 0; i < count_; ++i) {
        // the smallest that holds it, the newest of equals (entries are oldest first)
        if (entry_[i].bytes >= bytes && (best == kNone || entry_[i].bytes <= entry_[best].bytes)) best = i;
        if (biggest == kNone || entry_[i].bytes > entry_[biggest].bytes) biggest = i;
      }
      if (best != kNone && entry_[best].bytes / 2 > bytes) {  // cut: the head serves, the tail stays
        Entry& b = entry_[best];
        *out = {b.base, bytes, b.origin};
        b.base += bytes;
        b.bytes -= bytes;
        total_ -= bytes;
        e.bytes = 0;
        cut = true;
      } else if (best != kNone) {
        e = remove(best);
      } else if (biggest != kNone && entry_[biggest].bytes >= bytes / 2) {
        e = remove(biggest);
      } else {
        e.bytes = 0;
      }
      if (cut) live_ += bytes;
      else if (e.bytes >= bytes) live_ += e.bytes;
      else if (e.bytes) live_ += bytes;  // grown below (a failed growth is given back unnoted)
    }
    for (unsigned i = 0; i < n_expired; ++i) os.unmap(expired[i].base, expired[i].bytes);
    if (cut) {
      os.account_split();  // two ranges of one mapping now, each unmapped on its own
      return true;
    }
    if (e.bytes == 0) return false;
    if (e.bytes >= bytes) {
      *out = {e.base, e.bytes, e.origin};
      return true;
    }
    void* grown = os.remap(e.base, e.bytes, bytes);
    if (!grown) {
      os.unmap(e.base, e.bytes);
      note_freed(bytes);
      return false;
    }
    *out = {static_cast<char*>(grown), bytes, kFreshOrigin};
    return true;
  }

  // Keeps r (over LargeCache::kMaxMapping), unmapping what expired and the oldest entries as
  // the bounds need.
  void give(OsLayer& os, LargeRange r, std::uint64_t now, std::uint32_t delay) noexcept {
    LargeRange out[kEntries + 1];
    unsigned n = 0;
    {
      LockGuard g(lock);
      live_ -= r.bytes < live_ ? r.bytes : live_;
      n = take_expired(now, delay, out);
      join_neighbours(os, r);
      const std::size_t bound = bytes_bound();
      if (r.bytes > bound) {
        out[n++] = r;  // too big to keep at all
      } else {
        while (count_ > 0 && (count_ == kEntries || total_ + r.bytes > bound)) {
          const Entry e = remove(0);  // entries are kept oldest first
          out[n++] = {e.base, e.bytes, e.origin};
        }
        entry_[count_++] = {r.base, r.bytes, r.origin, now};
        total_ += r.bytes;
      }
    }
    for (unsigned i = 0; i < n; ++i) os.unmap(out[i].base, out[i].bytes);
  }

  // A block of `bytes` in a fresh huge mapping (take() found none), and one whose mapping
  // failed to grow: the live bytes that bytes_bound() follows.
  void note_mapped(std::size_t bytes) noexcept {
    LockGuard g(lock);
    live_ += bytes;
  }
  void note_freed(std::size_t bytes) noexcept {
    LockGuard g(lock);
    live_ -= bytes < live_ ? bytes : live_;
  }

  // Whether a cached range holds `p` (diagnosing a bad free only: the block there was freed).
  bool holds(const void* p) noexcept {
    LockGuard g(lock);
    for (unsigned i = 0; i < count_; ++i)
      if (entry_[i].base <= static_cast<const char*>(p) && static_cast<const char*>(p) < entry_[i].base + entry_[i].bytes)
        return true;
    return false;
  }

  void flush(OsLayer& os) noexcept {
    LargeRange all[kEntries];
    unsigned n = 0;
    {
      LockGuard g(lock);
      while (count_ > 0) {
        const Entry e = remove(count_ - 1);
        all[n++] = {e.base, e.bytes, e.origin};
      }
    }
    for (unsigned i = 0; i < n; ++i) os.unmap(all[i].base, all[i].bytes);
  }

  unsigned entries() noexcept {
    LockGuard g(lock);
    return count_;
  }
  std::size_t bytes() noexcept {
    LockGuard g(lock);
    return total_;
  }
  std::size_t bytes_bound() const noexcept {  // under the lock
    const std::size_t b = kMinBytes + live_ / 2;
    return b < kMaxBytes ? b : kMaxBytes;
  }

 private:
  static constexpr unsigned kNone = ~0u;
  struct Entry {
    char* base;
    std::size_t bytes;
    std::uint64_t origin;
    std::uint64_t freed_ms;
  };

  // Under the lock. Entries are oldest first; removal keeps that order.
  Entry remove(unsigned i) noexcept {
    const Entry e = entry_[i];
    for (unsigned k = i; k + 1 < count_; ++k) entry_[k] = entry_[k + 1];
    --count_;
    total_ -= e.bytes;
    return e;
  }
  // Joins r with the cached ranges right before and after it that were cut from the same mapping.
  void join_neighbours(OsLayer& os, LargeRange& r) noexcept {
    if (r.origin == kFreshOrigin && !JoinAcrossMappings) return;  // an unnamed mapping: no kin
    for (unsigned i = 0; i < count_;) {
      const Entry& e = entry_[i];
      const bool adjacent = e.base + e.bytes == r.base || r.base + r.bytes == e.base;
      if (!adjacent || (!JoinAcrossMappings && e.origin != r.origin)) {
        ++i;
        continue;
      }
      const Entry j = remove(i);
      if (j.base < r.base) r.base = j.base;
      r.bytes += j.bytes;
      os.account_join();  // two ranges of one mapping are one again
    }
  }
  // Moves the entries freed `delay` ms or longer before `now` into out (none when now is
  // kNoClock). Returns how many.
  unsigned take_expired(std::uint64_t now, std::uint32_t delay, LargeRange* out) noexcept {
    unsigned n = 0;
    if (now == kNoClock || NeverExpires) return 0;
    while (count_ > 0 && now - entry_[0].freed_ms >= delay) {
      const Entry e = remove(0);
      out[n++] = {e.base, e.bytes, e.origin};
    }
    return n;
  }

  Entry entry_[kEntries];
  unsigned count_ = 0;
  std::size_t total_ = 0;
  // Bytes of live blocks in huge mappings, as takes, fresh maps and frees tell: a realloc that
  // remaps a block in place is not seen, so this is a bound's guide, not a count.
  std::size_t live_ = 0;

 public:
  // `now` when the allocator has no clock: nothing expires by time.
  static constexpr std::uint64_t kNoClock = ~std::uint64_t{0};
};

}  // namespace hakmem
