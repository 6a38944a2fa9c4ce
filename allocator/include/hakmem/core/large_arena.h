// Large blocks up to kMaxBlock are carved from chunks: 32 MiB reservations cut at page grain.
// Why chunks, not a mapping per block: a freed range joins its free neighbours whatever blocks
// they came from, so a big request finds the room smaller predecessors left, its pages already
// faulted in. With a mapping per block (the large cache) only pieces of one mapping could join,
// and large_churn paid 2.5x mimalloc's page faults (5 us each on a VM) for it.
//  - Each chunk's first page holds its header: a bitmap of the pages in use and one of the free
//    pages that were purged. Pages below `frontier` are committed (read-write); above, the
//    reservation is untouched address space that counts as nothing.
//  - A request takes the lowest run of free pages that fits (first fit over chunks, then pages),
//    committing past the frontier when the run reaches beyond it.
//  - Free pages keep their data while few enough sit idle (kIdleMax and the recent live bytes,
//    below); past that the highest idle pages are purged, so the low ones stay warm.
// One lock: large requests are rare next to small ones, and each costs page faults or a memset
// that dwarf the bitmap steps.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <new>

#include "hakmem/core/config.h"
#include "hakmem/core/os_layer.h"
#include "hakmem/core/spinlock.h"

namespace hakmem {

// Quirks: decoys only (kArenaGiveLeaksPage, kArenaGiveUnlocked in config.h).
template <class A, class Quirks = NoQuirks>
class LargeArena {
 public:
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kChunkBytes = std::size_t{32} << 20;
  static constexpr unsigned kChunkPages = kChunkBytes / kPage;
  static constexpr unsigned kMaxChunks = 32;  // 1 GiB of reservations; beyond, blocks map alone
  static constexpr std::size_t kMaxBlock = std::size_t{8} << 20;
  // Idle bytes kept: kIdleMax plus what was live lately (a high-water mark that loses 1/64 at
  // each free), so a program whose live set swings keeps the room of its peaks. Past that a free
  // purges down to kPurgeSlack below it. large_churn (1..20 MiB live, ~35 MiB idle at its dips)
  // purged 16 MiB at a time 4-12 times a run with a fixed 32 MiB bound, each time faulting it
  // back; with this, never.
  static constexpr std::size_t kIdleMax = std::size_t{32} << 20;
  static constexpr std::size_t kPurgeSlack = std::size_t{8} << 20;
  static constexpr std::size_t kRecentDecay = 64;

  SpinLock<A> lock;  // public so fork handling can take it

  enum class Took { kYes, kNoRoom, kOsFailed };
  // A run of `bytes` (a multiple of the page size, at most kMaxBlock) into *base. *dirty: some
  // page of it held an earlier block's data (fresh and purged pages read as zero). kNoRoom: every
  // chunk allowed is too full, the caller maps the block alone; kOsFailed: a commit failed.
  Took take(OsLayer& os, std::size_t bytes, char** base, bool* dirty) noexcept {
    const unsigned n = static_cast<unsigned>(bytes / kPage);
    LockGuard g(lock);
    for (unsigned k = 0; k < count_; ++k) {
      Chunk& c = *chunks_[k];
      if (kChunkPages - c.used_pages < n) continue;
      const unsigned s = find_run(c, n);
      if (s != kNoRun) return carve(os, c, s, n, base, dirty) ? Took::kYes : Took::kOsFailed;
    }
    if (count_ == kMaxChunks) return Took::kNoRoom;
    Chunk* c = new_chunk(os);
    return c && carve(os, *c, 1, n, base, dirty) ? Took::kYes : Took::kOsFailed;
  }

  // The run [base, base + bytes) of a block freed, or the tail of one shrunk.
  void give(OsLayer& os, char* base, std::size_t bytes) noexcept {
    MaybeLockGuard<SpinLock<A>, !Quirks::kArenaGiveUnlocked> g(lock);
    Chunk& c = *chunk_of(base);
    const unsigned s = page_of(c, base);
    const unsigned n = static_cast<unsigned>(bytes / kPage) - (Quirks::kArenaGiveLeaksPage ? 1 : 0);
    set_bits(c.used, s, s + n, false);
    c.used_pages -= n;
    idle_.set(idle_.get() + n * kPage);
    live_.set(live_.get() - bytes);
    const std::size_t decayed = recent_live_ - recent_live_ / kRecentDecay;
    recent_live_ = live_.get() > decayed ? live_.get() : decayed;
    if (idle_.get() > kIdleMax + recent_live_) purge_down(os, kIdleMax + recent_live_ - kPurgeSlack);
  }

  // Grows the run at base from old_bytes to new_bytes where it lies when the pages after it are
  // free (realloc without a copy). False leaves it as it was.
  bool grow(OsLayer& os, char* base, std::size_t old_bytes, std::size_t new_bytes) noexcept {
    LockGuard g(lock);
    Chunk& c = *chunk_of(base);
    const unsigned from = page_of(c, base) + static_cast<unsigned>(old_bytes / kPage);
    const unsigned to = page_of(c, base) + static_cast<unsigned>(new_bytes / kPage);
    if (to > kChunkPages || next_bit(c.used, from, true) < to) return false;
    char* tail;
    bool dirty;
    return carve(os, c, from, to - from, &tail, &dirty);
  }

  // Whether p lies on a free page of a chunk (diagnosing a bad free only: a block was there).
  bool holds(const void* p) noexcept {
    LockGuard g(lock);
    Chunk* c = chunk_of(p);
    return c && !test_bit(c->used, page_of(*c, p));
  }

  // Purges every idle page and gives back the chunks nothing lives in (quiesce).
  void flush(OsLayer& os) noexcept {
    LockGuard g(lock);
    purge_down(os, 0);
    for (unsigned k = 0; k < count_;) {
      if (chunks_[k]->used_pages == 1) {
        drop_chunk(os, k);
      } else {
        ++k;
      }
    }
  }
  // Gives back every chunk, blocks and all (the instance's teardown).
  void release(OsLayer& os) noexcept {
    LockGuard g(lock);
    purge_down(os, 0);
    while (count_ > 0) drop_chunk(os, count_ - 1);
  }

  std::size_t idle_bytes() noexcept {
    LockGuard g(lock);
    return idle_.get();
  }
  std::size_t live_bytes() noexcept {
    LockGuard g(lock);
    return live_.get();
  }
  unsigned chunks() noexcept {
    LockGuard g(lock);
    return count_;
  }

  // Recounts the bitmaps: each chunk's pages in use against its count, all of them against the
  // bytes carved, the idle pages against the idle count. err(format, ...) for each mismatch.
  template <class Err>
  void check(Err&& err) noexcept {
    LockGuard g(lock);
    std::size_t used = 0, idle = 0;
    for (unsigned k = 0; k < count_; ++k) {
      const Chunk& c = *chunks_[k];
      const unsigned n = count_bits(c.used, 0, kChunkPages);
      if (n != c.used_pages) err("large arena: chunk %u's bitmap has %u pages in use, its count %u", k, n, c.used_pages);
      if (!test_bit(c.used, 0)) err("large arena: chunk %u's header page is marked free", k);
      if (count_bits(c.used, c.frontier, kChunkPages) != 0) err("large arena: chunk %u uses a page beyond its frontier", k);
      used += n - 1;
      for (unsigned p = 1; p < c.frontier; ++p) idle += idle_page(c, p);
    }
    if (used * kPage != live_.get())
      err("large arena: %zu bytes of pages in use, %zu bytes of blocks carved (a page lost or given twice)", used * kPage,
          live_.get());
    if (idle * kPage != idle_.get()) err("large arena: %zu bytes of idle pages, %zu counted", idle * kPage, idle_.get());
  }

 private:
  static constexpr unsigned kWords = kChunkPages / 64;
  static constexpr unsigned kNoRun = ~0u;

  struct Chunk {  // lives in the chunk's first page
    char* base;
    unsigned frontier;    // pages [0, frontier) are committed
    unsigned used_pages;  // the header's page included
    std::uint64_t used[kWords];
    std::uint64_t purged[kWords];  // free pages below the frontier whose contents were dropped
  };
  static_assert(sizeof(Chunk) <= kPage);

  static unsigned page_of(const Chunk& c, const void* p) noexcept {
    return static_cast<unsigned>((static_cast<const char*>(p) - c.base) / kPage);
  }
  static bool test_bit(const std::uint64_t* w, unsigned i) noexcept { return (w[i / 64] >> (i % 64)) & 1; }
  static bool idle_page(const Chunk& c, unsigned p) noexcept { return !test_bit(c.used, p) && !test_bit(c.purged, p); }
  // The first page at or after `from` whose bit is `set`, or kChunkPages.
  static unsigned next_bit(const std::uint64_t* w, unsigned from, bool set) noexcept {
    if (from >= kChunkPages) return kChunkPages;
    unsigned i = from / 64;
    std::uint64_t x = (set ? w[i] : ~w[i]) & (~std::uint64_t{0} << (from % 64));
    while (!x) {
      if (++i == kWords) return kChunkPages;
      x = set ? w[i] : ~w[i];
    }
    return 64 * i + static_cast<unsigned>(std::countr_zero(x));
  }
  static std::uint64_t span_mask(unsigned i, unsigned from, unsigned to) noexcept {  // word i's bits in [from, to)
    const unsigned lo = from > 64 * i ? from - 64 * i : 0;
    const unsigned hi = to < 64 * i + 64 ? to - 64 * i : 64;
    return (hi == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << hi) - 1) & (~std::uint64_t{0} << lo);
  }
  static void set_bits(std::uint64_t* w, unsigned from, unsigned to, bool set) noexcept {
    for (unsigned i = from / 64; from < to && i <= (to - 1) / 64; ++i) {
      if (set) {
        w[i] |= span_mask(i, from, to);
      } else {
        w[i] &= ~span_mask(i, from, to);
      }
    }
  }
  static unsigned count_bits(const std::uint64_t* w, unsigned from, unsigned to) noexcept {
    unsigned n = 0;
    for (unsigned i = from / 64; from < to && i <= (to - 1) / 64; ++i)
      n += static_cast<unsigned>(std::popcount(w[i] & span_mask(i, from, to)));
    return n;
  }
  // The lowest run of n free pages in c, or kNoRun.
  static unsigned find_run(const Chunk& c, unsigned n) noexcept {
    for (unsigned at = 0; at < kChunkPages;) {
      const unsigned s = next_bit(c.used, at, false);
      if (s == kChunkPages) return kNoRun;
      const unsigned e = next_bit(c.used, s, true);
      if (e - s >= n) return s;
      at = e;
    }
    return kNoRun;
  }

  // The following run under the lock.
  Chunk* chunk_of(const void* p) const noexcept {
    for (unsigned k = 0; k < count_; ++k) {
      const char* b = chunks_[k]->base;
      if (b <= static_cast<const char*>(p) && static_cast<const char*>(p) < b + kChunkBytes) return chunks_[k];
    }
    return nullptr;
  }
  Chunk* new_chunk(OsLayer& os) noexcept {
    char* base = static_cast<char*>(os.reserve(kChunkBytes));
    if (!base) return nullptr;
    if (!os.commit(base, kPage)) {
      os.release(base, kChunkBytes);
      return nullptr;
    }
    Chunk* c = new (base) Chunk();
    c->base = base;
    c->frontier = 1;
    c->used_pages = 1;
    c->used[0] = 1;
    chunks_[count_++] = c;
    return c;
  }
  // Its idle pages purged already: what still counts as mapped is the header and live blocks.
  void drop_chunk(OsLayer& os, unsigned k) noexcept {
    Chunk* c = chunks_[k];
    const std::size_t counted = std::size_t{c->used_pages} * kPage;
    char* base = c->base;
    chunks_[k] = chunks_[--count_];
    os.decommit(base, counted);  // the accounting; the release drops every page anyway
    os.release(base, kChunkBytes);
  }
  bool carve(OsLayer& os, Chunk& c, unsigned s, unsigned n, char** base, bool* dirty) noexcept {
    const unsigned e = s + n;
    if (e > c.frontier && !os.commit(c.base + std::size_t{c.frontier} * kPage, std::size_t{e - c.frontier} * kPage))
      return false;
    const unsigned warm_end = e < c.frontier ? e : c.frontier;  // [s, warm_end) was committed before
    *dirty = false;
    if (s < warm_end) {
      const unsigned purged = count_bits(c.purged, s, warm_end);
      set_bits(c.purged, s, warm_end, false);
      if (purged) os.unpurged(std::size_t{purged} * kPage);
      idle_.set(idle_.get() - std::size_t{warm_end - s - purged} * kPage);
      *dirty = warm_end - s > purged;
    }
    if (e > c.frontier) c.frontier = e;
    set_bits(c.used, s, e, true);
    c.used_pages += n;
    live_.set(live_.get() + std::size_t{n} * kPage);
    if (live_.get() > recent_live_) recent_live_ = live_.get();
    *base = c.base + std::size_t{s} * kPage;
    return true;
  }
  // Purges idle pages, the highest chunk's highest first, until at most `target` bytes idle.
  void purge_down(OsLayer& os, std::size_t target) noexcept {
    for (unsigned k = count_; k-- > 0 && idle_.get() > target;) {
      Chunk& c = *chunks_[k];
      for (unsigned hi = c.frontier; idle_.get() > target;) {  // pages [1, hi) are left to look at
        while (hi > 1 && !idle_page(c, hi - 1)) --hi;
        if (hi <= 1) break;
        const std::size_t want = (idle_.get() - target + kPage - 1) / kPage;
        unsigned lo = hi - 1;
        while (lo > 1 && idle_page(c, lo - 1) && hi - lo < want) --lo;
        os.purge(c.base + std::size_t{lo} * kPage, std::size_t{hi - lo} * kPage);
        set_bits(c.purged, lo, hi, true);
        idle_.set(idle_.get() - std::size_t{hi - lo} * kPage);
        hi = lo;
      }
    }
  }

  Chunk* chunks_[kMaxChunks] = {};
  unsigned count_ = 0;
  // Plain cells (plain fields in production): under the interleaving checker an access not
  // ordered by `lock` is reported as a data race.
  typename A::template Plain<std::size_t> idle_{};  // free, committed, unpurged bytes of all chunks
  typename A::template Plain<std::size_t> live_{};  // bytes carved for blocks (headers not included)
  std::size_t recent_live_ = 0;                     // live_'s decaying high-water mark
};

}  // namespace hakmem
