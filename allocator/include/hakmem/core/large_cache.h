// A small cache of freed large-block mappings. Without it every large malloc/free pair is an
// mmap/munmap pair plus a page fault per touched page (orders of magnitude slower than reuse).
// Bounded in entries and bytes so the footprint stays bounded (invariant 7); quiesce() empties
// it. Every operation is a few list and bitmap steps (a sorted array cost large_alloc and
// large_free about 1000 instructions a pair in memmoves and eviction scans):
//  - a request finds its best fit in bins by page count through a bitmap of non-empty bins;
//    an entry of [size, 2 x size] is handed out whole;
//  - for a request of kReshapeMin or more, a bigger entry is cut: its head serves the request
//    and its tail stays cached (a request never pins a mapping over twice its size), and with no
//    entry as big, the biggest one of at least half the size grows by a remap, keeping its
//    faulted-in pages;
//  - a freed range joins the cached pieces next to it that were cut from the same OS mapping,
//    so a cut mapping comes back whole (pieces of two mappings never join: a remap of the join
//    would span two kernel mappings, and the kernel refuses that);
//  - when full, the oldest entry is unmapped (an age list).
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>

#include "hakmem/core/os_layer.h"
#include "hakmem/core/spinlock.h"

namespace hakmem {

// A mapped range and the OS mapping it was cut from (kFreshOrigin: a new mapping, for the
// caller to name).
struct LargeRange {  // no member initializers: the cache's eviction buffers stay unwritten
  char* base;
  std::size_t bytes;
  std::uint64_t origin;
};
inline constexpr std::uint64_t kFreshOrigin = 0;

// JoinAcrossMappings = true only in a decoy test: it joins any adjacent ranges, the defect the
// origin check prevents.
template <class A, bool JoinAcrossMappings = false>
class LargeCache {
 public:
  // 64 entries: with 32, random sizes over 32..128 KiB over 256 live blocks faulted 2.6x the
  // pages (9144 against 3563 minor faults, 400k ops) and ran 28% slower.
  static constexpr unsigned kEntries = 64;
  static constexpr std::size_t kMaxBytes = std::size_t{32} << 20;
  static constexpr std::size_t kMaxMapping = std::size_t{8} << 20;
  static_assert(kMaxMapping <= kMaxBytes);
  // Cutting and growing pay off only for big requests: below this, faulting a fresh mapping's
  // few pages cost less than the remap's two system calls or the cut's fragmentation (measured
  // when large blocks began at 32 KiB: random_large, 32..128 KiB, ran 30% slower with both
  // enabled for every size). The pool now serves up to 128 KiB, so this decides 128..256 KiB only.
  static constexpr std::size_t kReshapeMin = std::size_t{256} << 10;

  SpinLock<A> lock;  // public so fork handling can take it

  LargeCache() noexcept {
    for (auto& h : bin_head_) h = kNone;
    for (auto& s : by_start_) s = kNone;
    for (auto& s : by_end_) s = kNone;
    for (unsigned i = 0; i < kEntries; ++i) nodes_[i].age_next = static_cast<std::uint8_t>(i + 1 < kEntries ? i + 1 : kNone);
  }

  // A range of at least `bytes` made from cached ones (see above) into *out, or false. `bytes`
  // is a multiple of the page size. A grown range is a new mapping: out->origin = kFreshOrigin.
  bool take(OsLayer& os, std::size_t bytes, LargeRange* out) noexcept {
    LargeRange e;
    {
      LockGuard g(lock);
      const std::uint8_t i = best_fit(bytes);
      if (i != kNone && (bytes >= kReshapeMin || nodes_[i].bytes / 2 <= bytes)) {
        Node& n = nodes_[i];
        if (n.bytes / 2 > bytes) {  // too big to hand out whole: cut, the tail stays cached
          *out = {n.base, bytes, n.origin};
          reshape(i, n.base + bytes, n.bytes - bytes);
          total_ -= bytes;
          os.account_split();
        } else {
          *out = unlink(i);
        }
        return true;
      }
      if (bytes < kReshapeMin || count_ == 0) return false;
      const std::uint8_t big = biggest();
      if (nodes_[big].bytes < bytes / 2) return false;
      e = unlink(big);  // the biggest, at least half the size: grown below
    }
    void* grown = os.remap(e.base, e.bytes, bytes);
    if (!grown) {
      give(os, e);
      return false;
    }
    *out = {static_cast<char*>(grown), bytes, kFreshOrigin};
    return true;
  }

  // Keeps the range, joined with its cached neighbours of the same origin, evicting the oldest
  // entries as needed to stay within the bounds.
  void give(OsLayer& os, LargeRange r) noexcept {
    if (r.bytes > kMaxMapping) {
      os.unmap(r.base, r.bytes);
      return;
    }
    LargeRange evicted[kEntries];
    unsigned n = 0;
    {
      LockGuard g(lock);
      const std::uint8_t before = find<kEnd>(by_end_, r.base);
      if (before != kNone && joins(nodes_[before], r)) {
        const LargeRange b = unlink(before);
        r.base = b.base;
        r.bytes += b.bytes;
        os.account_join();
      }
      const std::uint8_t after = find<kStart>(by_start_, r.base + r.bytes);
      if (after != kNone && joins(nodes_[after], r)) {
        r.bytes += unlink(after).bytes;
        os.account_join();
      }
      while (count_ > 0 && (count_ == kEntries || total_ + r.bytes > kMaxBytes)) evicted[n++] = unlink(age_head_);
      link(r);  // fits: r.bytes <= kMaxMapping <= kMaxBytes
    }
    for (unsigned i = 0; i < n; ++i) os.unmap(evicted[i].base, evicted[i].bytes);
  }

  // Whether a range of [bytes, 2 x bytes] waits here: realloc would rather fill its faulted
  // pages than remap (another thread may take it first).
  bool fits(std::size_t bytes) noexcept {
    LockGuard g(lock);
    const std::uint8_t i = best_fit(bytes);
    return i != kNone && nodes_[i].bytes / 2 <= bytes;
  }

  // Whether a cached range holds `p` (diagnosing a bad free only: the block there was freed).
  bool holds(const void* p) noexcept {
    LockGuard g(lock);
    for (std::uint8_t i = age_head_; i != kNone; i = nodes_[i].age_next)
      if (nodes_[i].base <= static_cast<const char*>(p) && static_cast<const char*>(p) < nodes_[i].base + nodes_[i].bytes) return true;
    return false;
  }

  void flush(OsLayer& os) noexcept {
    LargeRange all[kEntries];
    unsigned n = 0;
    {
      LockGuard g(lock);
      while (count_ > 0) all[n++] = unlink(age_head_);
    }
    for (unsigned i = 0; i < n; ++i) os.unmap(all[i].base, all[i].bytes);
  }

  unsigned entries() noexcept {
    LockGuard g(lock);
    return count_;
  }

 private:
  static constexpr std::uint8_t kNone = 0xFF;
  static_assert(kEntries < kNone);
  // One bin per page count up to kMaxMapping's, so a bin's entries are all of one size, and a
  // two-level bitmap of the non-empty bins finds the best fit (or the biggest) in a few steps.
  static constexpr unsigned kMaxPages = kMaxMapping / 4096;
  static constexpr unsigned kMapWords = kMaxPages / 64 + 1;
  static constexpr unsigned kBins = 64 * kMapWords;
  static_assert(kMapWords <= 64, "one summary word");
  static constexpr unsigned kSlots = 2 * std::bit_ceil(kEntries);  // address index slots

  struct Node {
    char* base;
    std::size_t bytes;
    std::uint64_t origin;
    std::uint16_t bin;
    std::uint8_t bin_prev, bin_next, age_prev, age_next;
  };

  static unsigned bin_of(std::size_t bytes) noexcept { return static_cast<unsigned>(bytes >> 12); }
  static bool joins(const Node& n, const LargeRange& r) noexcept {
    return (JoinAcrossMappings || n.origin == r.origin) && n.bytes + r.bytes <= kMaxMapping;
  }

  // The following run under the lock.
  // The best fit: the newest entry of the smallest non-empty bin at or above the request's.
  std::uint8_t best_fit(std::size_t bytes) const noexcept {
    if (bytes >= std::size_t{kBins} << 12) return kNone;
    const unsigned up = next_bin_from(bin_of(bytes));
    return up < kBins ? bin_head_[up] : kNone;
  }
  std::uint8_t biggest() const noexcept {  // count_ > 0
    const unsigned w = 63 - static_cast<unsigned>(std::countl_zero(summary_));
    return bin_head_[64 * w + 63 - static_cast<unsigned>(std::countl_zero(bin_map_[w]))];
  }
  unsigned next_bin_from(unsigned b) const noexcept {  // kBins when none
    const unsigned w = b / 64;
    if (const std::uint64_t here = bin_map_[w] & (~std::uint64_t{0} << (b % 64)); here)
      return 64 * w + static_cast<unsigned>(std::countr_zero(here));
    const std::uint64_t above = w + 1 < 64 ? summary_ & (~std::uint64_t{0} << (w + 1)) : 0;
    if (!above) return kBins;
    const unsigned v = static_cast<unsigned>(std::countr_zero(above));
    return 64 * v + static_cast<unsigned>(std::countr_zero(bin_map_[v]));
  }

  void link(const LargeRange& r) noexcept {  // count_ < kEntries
    const std::uint8_t i = free_head_;
    free_head_ = nodes_[i].age_next;
    Node& n = nodes_[i];
    n.base = r.base;
    n.bytes = r.bytes;
    n.origin = r.origin;
    n.age_next = kNone;
    n.age_prev = age_tail_;
    (age_tail_ != kNone ? nodes_[age_tail_].age_next : age_head_) = i;
    age_tail_ = i;
    bin_insert(i);
    index_insert<kStart>(by_start_, i);
    index_insert<kEnd>(by_end_, i);
    ++count_;
    total_ += r.bytes;
  }
  LargeRange unlink(std::uint8_t i) noexcept {
    Node& n = nodes_[i];
    const LargeRange r{n.base, n.bytes, n.origin};
    index_erase<kStart>(by_start_, i);
    index_erase<kEnd>(by_end_, i);
    bin_erase(i);
    (n.age_prev != kNone ? nodes_[n.age_prev].age_next : age_head_) = n.age_next;
    (n.age_next != kNone ? nodes_[n.age_next].age_prev : age_tail_) = n.age_prev;
    n.age_next = free_head_;
    free_head_ = i;
    --count_;
    total_ -= r.bytes;
    return r;
  }
  // A cut entry keeps its place in the age list; its start and bin change.
  void reshape(std::uint8_t i, char* base, std::size_t bytes) noexcept {
    index_erase<kStart>(by_start_, i);
    bin_erase(i);
    nodes_[i].base = base;
    nodes_[i].bytes = bytes;
    bin_insert(i);
    index_insert<kStart>(by_start_, i);
  }

  void bin_insert(std::uint8_t i) noexcept {
    Node& n = nodes_[i];
    n.bin = static_cast<std::uint16_t>(bin_of(n.bytes));
    n.bin_prev = kNone;
    n.bin_next = bin_head_[n.bin];
    if (n.bin_next != kNone) nodes_[n.bin_next].bin_prev = i;
    bin_head_[n.bin] = i;
    bin_map_[n.bin / 64] |= std::uint64_t{1} << (n.bin % 64);
    summary_ |= std::uint64_t{1} << (n.bin / 64);
  }
  void bin_erase(std::uint8_t i) noexcept {
    Node& n = nodes_[i];
    (n.bin_prev != kNone ? nodes_[n.bin_prev].bin_next : bin_head_[n.bin]) = n.bin_next;
    if (n.bin_next != kNone) nodes_[n.bin_next].bin_prev = n.bin_prev;
    if (bin_head_[n.bin] != kNone) return;
    if (!(bin_map_[n.bin / 64] &= ~(std::uint64_t{1} << (n.bin % 64)))) summary_ &= ~(std::uint64_t{1} << (n.bin / 64));
  }

  // Address indexes (entry by its start, entry by its end), direct-mapped: a later entry takes
  // an earlier one's slot, which only costs the earlier one its join. No probing, so lookups are
  // one load and one compare (probe loops doubled the branch mispredictions of a large op).
  enum Key { kStart, kEnd };
  template <Key K>
  static const char* key(const Node& n) noexcept { return K == kStart ? n.base : n.base + n.bytes; }
  static unsigned slot_of(const char* p) noexcept {
    return static_cast<unsigned>((reinterpret_cast<std::uintptr_t>(p) >> 12) * 0x9E3779B97F4A7C15ull >> 57) & (kSlots - 1);
  }
  template <Key K>
  std::uint8_t find(const std::uint8_t (&index)[kSlots], const char* p) const noexcept {
    const std::uint8_t i = index[slot_of(p)];
    return i != kNone && key<K>(nodes_[i]) == p ? i : kNone;
  }
  template <Key K>
  void index_insert(std::uint8_t (&index)[kSlots], std::uint8_t i) noexcept {
    index[slot_of(key<K>(nodes_[i]))] = i;
  }
  template <Key K>
  void index_erase(std::uint8_t (&index)[kSlots], std::uint8_t i) noexcept {
    std::uint8_t& slot = index[slot_of(key<K>(nodes_[i]))];
    if (slot == i) slot = kNone;
  }

  Node nodes_[kEntries];
  std::uint8_t bin_head_[kBins];
  std::uint64_t bin_map_[kMapWords] = {};
  std::uint64_t summary_ = 0;  // bit w: bin_map_[w] is not zero
  std::uint8_t by_start_[kSlots];
  std::uint8_t by_end_[kSlots];
  std::uint8_t free_head_ = 0;
  std::uint8_t age_head_ = kNone;  // the oldest entry
  std::uint8_t age_tail_ = kNone;
  unsigned count_ = 0;
  std::size_t total_ = 0;
};

}  // namespace hakmem
