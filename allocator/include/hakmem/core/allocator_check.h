// The heap check: a full walk of every superslab, slab, cache and queue that verifies the
// accounting invariants of DESIGN.md (4: free + live + in transit = capacity for every slab;
// 6: spill length = list length at quiescence; no block on two lists) and reports the totals.
// Also the final-state part of the behaviour trace.
#pragma once
#include <sys/mman.h>

#include <cstdarg>
#include <cstdio>

namespace hakmem {

namespace detail {
struct CheckErrors {
  hak_heap_report* r;
  void add(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    if (r->errors++ == 0) {
      va_list ap;
      va_start(ap, fmt);
      std::vsnprintf(r->first_error, sizeof r->first_error, fmt, ap);
      va_end(ap);
    }
  }
};
// Every slab of the arena by number: the index of its scratch entries.
inline std::size_t slab_number(const SuperslabHeader* ss, const Slab* s) {
  return std::size_t{ss->region} * kSlabsPerSuperslab + s->index;
}
}  // namespace detail

static_assert(HAK_TINY_CLASSES == kTinyClassCount, "hak_heap_report has a spill slot per tiny class");

template <class Cfg>
int Allocator<Cfg>::check(hak_heap_report* r) noexcept {
  std::memset(r, 0, sizeof *r);
  detail::CheckErrors err{r};
  LockGuard heaps_guard(heaps_lock_);
  // Pool: carved = v1 free (resident and purged) + hotboxes and caches + live. (Before the arena lock: the
  // order is pool, arena.)
  for (unsigned c = 0; c < kPoolClassCount; ++c) {
    PoolClass& pcl = pool_[c];
    LockGuard g(pcl.lock);
    std::uint64_t carved = 0, hot = 0, n = 0, purged = 0, nss = 0;
    for (SuperslabHeader* ss = pcl.all.get(); ss && nss <= arena_top() >> kSuperslabShift; ss = ss->next, ++nss) {
      carved += ss->pool_carved.load(std::memory_order_relaxed);
      ss->check_listed = 0;
      if (ss->kind != SsKind::kPool || ss->pool_class != c)
        err.add("pool P%u: its superslab list holds region %u, not a superslab of the class", c, ss->region);
      if (ss->next && ss->next->prev != ss)
        err.add("pool P%u: superslab region %u's back link does not name region %u", c, ss->next->region, ss->region);
      check_pool_records(ss, c, err);
    }
    // Every block on the two free lists is a block of one of the class's superslabs, linked
    // back to its predecessor; each superslab counts its listed blocks. A walk stops at a
    // pointer that is no block of the class: its words may not be readable (the arena's top).
    auto listed = [&](void* p, void* prev, const char* list) {
      const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(base_);
      SuperslabHeader* ss = off < arena_top() ? superslab_of(p) : nullptr;
      if (!ss || ss->kind != SsKind::kPool || ss->pool_class != c) {
        err.add("pool P%u: its %s list holds %p, not in a superslab of the class", c, list, p);
        return false;
      }
      ++ss->check_listed;
      if (pool_link_prev(p) != prev)
        err.add("pool P%u: %p on its %s list links back to %p, not %p", c, p, list, pool_link_prev(p), prev);
      return true;
    };
    void* last = nullptr;
    for (void* p = pcl.free_list.get(); p && n <= carved && listed(p, last, "free"); p = pool_link_next(p)) ++n, last = p;
    for (void* p = pcl.purged_list.get(), *prev = static_cast<void*>(nullptr);
         p && purged <= carved && listed(p, prev, "purged"); prev = p, p = pool_link_next(p))
      ++purged;
    std::uint64_t counted_free = 0, counted_purged = 0, wholly_free = 0, on_empty = 0;
    for (SuperslabHeader* ss = pcl.all.get(); ss && nss--; ss = ss->next) {
      counted_free += ss->pool_free;
      counted_purged += ss->pool_purged;
      if (ss->check_listed != ss->pool_free + ss->pool_purged)
        err.add("pool P%u: superslab region %u has %u blocks on the free lists, it counts %u + %u", c, ss->region,
                ss->check_listed, ss->pool_free, ss->pool_purged);
      wholly_free += ss->empty_listed;
      if (ss->empty_listed && ss->check_listed != ss->pool_carved.load(std::memory_order_relaxed))
        err.add("pool P%u: superslab region %u is on the empty list with %u of its %u blocks free", c, ss->region,
                ss->check_listed, ss->pool_carved.load(std::memory_order_relaxed));
    }
    for (SuperslabHeader* ss = pcl.empty.get(); ss && on_empty <= wholly_free; ss = ss->empty_next) ++on_empty;
    if (on_empty != wholly_free)
      err.add("pool P%u: its empty list holds %llu superslabs, %llu say they are on it", c, (unsigned long long)on_empty,
              (unsigned long long)wholly_free);
    if (counted_free != pcl.free_count.get() || counted_purged != pcl.purged_count.get())
      err.add("pool P%u: its superslabs count %llu free and %llu purged blocks, the class %u and %u", c,
              (unsigned long long)counted_free, (unsigned long long)counted_purged, pcl.free_count.get(),
              pcl.purged_count.get());
    // Blocks in threads' hotboxes and v1 caches: free blocks of this class, canary set.
    auto cached = [&](const HeapT* h, const void* q, const char* where) {
      const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(q) - reinterpret_cast<std::uintptr_t>(base_);
      const SuperslabHeader* ss = off < arena_top() ? superslab_of(q) : nullptr;
      if (!ss || ss->kind != SsKind::kPool || ss->pool_class != c)
        err.add("pool P%u: heap %u's %s holds %p, not a block of the class", c, h->id, where, q);
      else if (!is_marked_free(q))
        err.add("pool P%u: heap %u's %s holds %p without the free canary (a free of it would pass)", c, h->id, where, q);
    };
    // A fork child's retired heaps are skipped: a vanished thread may have been between giving
    // blocks back and lowering its count. Their cached blocks count as live (the child leaks them).
    for (HeapT* h = all_heaps_; h; h = h->next_all) {
      if (h->retired) continue;
      hot += h->hot[c].count + h->pool_cache[c].count;
      for (std::uint32_t i = 0; i < h->hot[c].count; ++i) cached(h, h->hot[c].slots[i], "hotbox");
      for (std::uint32_t i = 0; i < h->pool_cache[c].count; ++i) cached(h, h->pool_cache[c].slots[i], "pool cache");
    }
    if (n != pcl.free_count.get())
      err.add("pool P%u: free list holds %llu blocks, free_count says %u", c, (unsigned long long)n, pcl.free_count.get());
    if (last != pcl.free_tail.get())
      err.add("pool P%u: free list ends at %p, its tail says %p", c, last, pcl.free_tail.get());
    if (carved != pcl.carved.get())
      err.add("pool P%u: its superslabs carved %llu blocks, the class counted %u", c, (unsigned long long)carved,
              pcl.carved.get());
    if (purged != pcl.purged_count.get())
      err.add("pool P%u: purged list holds %llu blocks, purged_count says %u", c, (unsigned long long)purged,
              pcl.purged_count.get());
    n += purged;
    if (n + hot > carved)
      err.add("pool P%u: %llu free + %llu hot > %llu carved", c, (unsigned long long)n, (unsigned long long)hot, (unsigned long long)carved);
    else
      r->pool_live_blocks += carved - n - hot;
    r->pool_cached_blocks += hot;
  }

  LockGuard arena_guard(arena_lock_);
  const std::size_t nss = arena_top() >> kSuperslabShift;
  // One bit per possible block of every slab: a block seen twice is on two lists at once.
  constexpr std::size_t kBitmapBytes = kSlabSize / 16 / 8;
  const std::size_t nslabs = nss * kSlabsPerSuperslab;
  // After the bitmaps, one byte per slab: how often a heap's slab lists name it.
  const std::size_t scratch_bytes = nslabs * (kBitmapBytes + 1) + 1;
  auto* seen = static_cast<std::uint8_t*>(
      mmap(nullptr, scratch_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (seen == MAP_FAILED) {
    err.add("heap check: no memory for its scratch bitmap");
    return -1;
  }
  auto owner_retired = [](SuperslabHeader* ss) { return static_cast<HeapT*>(ss->owner)->retired; };
  std::uint8_t* const on_lists = seen + nslabs * kBitmapBytes;
  // Marks block p of slab s; false if it was marked already.
  auto mark = [&](SuperslabHeader* ss, Slab* s, const void* p) {
    const std::uint32_t i = s->index_of(reinterpret_cast<std::uintptr_t>(p) - s->data_start);
    std::uint8_t& byte = seen[detail::slab_number(ss, s) * kBitmapBytes + i / 8];
    const std::uint8_t bit = static_cast<std::uint8_t>(1u << (i % 8));
    if (byte & bit) return false;
    byte |= bit;
    return true;
  };
  // A free tiny block must be a carved block start of an assigned slab, carrying the free mark.
  auto locate = [&](const void* p, const char* where) -> Slab* {
    const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(base_);
    if (off >= arena_top()) {
      err.add("%s: block %p is outside the arena", where, p);
      return nullptr;
    }
    SuperslabHeader* ss = superslab_of(p);
    if (ss->kind != SsKind::kTiny) {
      err.add("%s: block %p lies in a superslab that is not tiny", where, p);
      return nullptr;
    }
    Slab* s = slab_of(ss, p);
    const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
    if (s->cls == kNoClass || a < s->data_start ||
        s->index_of(a - s->data_start) * std::uintptr_t{s->block_size} != a - s->data_start ||
        s->index_of(a - s->data_start) >= s->carved.load(std::memory_order_relaxed)) {
      err.add("%s: %p is not a carved block start of an assigned slab", where, p);
      return nullptr;
    }
    if (!is_marked_free(p)) err.add("%s: block %p lacks the free mark (written after free?)", where, p);
    if (!mark(ss, s, p)) err.add("%s: block %p is on two free lists at once (invariant 4/5)", where, p);
    return s;
  };

  // Slab free lists.
  for (std::size_t i = 0; i < nss; ++i) {
    auto* ss = reinterpret_cast<SuperslabHeader*>(base_ + i * kSuperslabSize);
    if (ss->magic != kSuperslabMagic) {
      err.add("superslab %zu: bad magic", i);
      continue;
    }
    if (ss->kind != SsKind::kPool)  // a pool record here would pass frees that must abort
      for (unsigned k = 0; k < kSlabsPerSuperslab; ++k) {
        const Slab& s = ss->slabs()[k];
        if (s.pool_class != kNoClass || s.freer_caches.load(std::memory_order_relaxed) != 0)
          err.add("superslab %zu slab %u: a %s superslab's record names pool class P%u (freer caches: %u)", i, k,
                  ss->kind == SsKind::kFree ? "free" : "tiny", s.pool_class,
                  unsigned{s.freer_caches.load(std::memory_order_relaxed)});
      }
    if (ss->kind == SsKind::kFree) continue;
    ++r->superslabs;
    if (ss->kind != SsKind::kTiny || owner_retired(ss)) continue;
    unsigned used = 0;
    for (Slab& s : ss->slabs()) {
      if (s.cls == kNoClass) continue;
      if (s.front_offset.load(std::memory_order_relaxed) != front_offset_of(s.cls))
        err.add("superslab %zu slab %u: class C%u but front offset %u (frees would cache its blocks in another class)",
                i, s.index, s.cls, unsigned{s.front_offset.load(std::memory_order_relaxed)});
      ++used;
      ++r->tiny_slabs;
      s.check_transit = 0;
      std::uint32_t n = 0;
      for (void* p = s.free_list; p && n <= s.capacity; p = *static_cast<void**>(p), ++n)
        if (locate(p, "slab free list") != &s) err.add("slab free list: %p belongs to another slab", p);
      if (n != s.free_count)
        err.add("superslab %zu slab %u: free list holds %u blocks, free_count says %u", i, s.index, n, s.free_count);
    }
    if (used != ss->slabs_used) err.add("superslab %zu: %u slabs assigned, slabs_used says %u", i, used, ss->slabs_used);
  }

  // Blocks in transit: front caches, remote lists, spill queues.
  // `cls`: the class of the structure p waits in (front caches and spill queues are per class).
  // Returns whether p is a block of a tiny slab (else the error is recorded).
  auto transit = [&](void* p, const char* where, unsigned cls = kNoClass) {
    Slab* s = locate(p, where);
    if (!s) return false;
    ++s->check_transit;
    ++r->tiny_transit_blocks;
    if (cls != kNoClass && s->cls != cls) err.add("%s of C%u: block %p is of class C%u", where, cls, p, s->cls);
    return true;
  };
  for (HeapT* h = all_heaps_; h; h = h->next_all) {
    ++r->heaps;
    if (h->orphaned) ++r->orphaned_heaps;
    if (h->retired) {  // a fork child's copy of a vanished thread's heap: not trustworthy
      ++r->retired_heaps;
      continue;
    }
    for (unsigned c = 0; c < kTinyClassCount; ++c) check_slab_lists(h, c, on_lists, err);
    for (unsigned c = 0; c < kTinyClassCount; ++c)
      for (std::uint32_t k = 0; k < h->front[c].count; ++k) transit(h->front[c].slots[k], "front cache", c);
    // The drain frees what it takes into the heap's own caches and slabs: an inbox holds only its
    // heap's blocks, a batch only its destination's.
    auto owned_by = [&](void* p, const HeapT* owner, const char* where) {
      const auto* actual = static_cast<const HeapT*>(superslab_of(p)->owner);
      if (actual != owner)
        err.add("%s of heap %u: block %p belongs to heap %u, not %u", where, h->id, p, actual ? actual->id : ~0u,
                owner ? owner->id : ~0u);
    };
    h->remote.for_each_quiescent([&](void* p) {
      if (transit(p, "remote list")) owned_by(p, h, "remote list");
      ++r->remote_pending;
    });
    std::uint32_t batched = 0;  // gathered remote frees, each lane linked like a remote list
    for (void* first : h->batch.first)
      for (void* p = first; p && batched < h->batch.count; p = RemoteList<A>::next(p), ++batched) {
        if (transit(p, "remote batch")) owned_by(p, h->batch.dest, "remote batch");
        ++r->remote_pending;
      }
  }
  r->spill_target = opt_.spill_target;
  for (unsigned c = 0; c < kTinyClassCount; ++c) {
    const std::uint32_t n = spill_[c].stack.for_each_quiescent([&](void* p) { transit(p, "spill queue", c); });
    r->spill_length[c] = spill_[c].stack.length();
    r->spill_blocks[c] = n;
    if (n != spill_[c].stack.length())
      err.add("invariant 6: spill queue C%u length %u but %u blocks on the stack", c, spill_[c].stack.length(), n);
  }

  // Invariant 4 per slab: carved = free + in transit + live, with live >= 0.
  for (std::size_t i = 0; i < nss; ++i) {
    auto* ss = reinterpret_cast<SuperslabHeader*>(base_ + i * kSuperslabSize);
    if (ss->magic != kSuperslabMagic || ss->kind != SsKind::kTiny || owner_retired(ss)) continue;
    for (Slab& s : ss->slabs()) {
      if (s.cls == kNoClass) continue;
      const std::uint32_t carved = s.carved.load(std::memory_order_relaxed);
      if (s.free_count + s.check_transit > carved)
        err.add("invariant 4: superslab %zu slab %u has %u free + %u in transit > %u carved", i, s.index,
                s.free_count, s.check_transit, carved);
      else
        r->tiny_live_blocks += carved - s.free_count - s.check_transit;
      // The lists: a refill looks for free blocks only on its class's current slab and partial list.
      const HeapT* owner = static_cast<const HeapT*>(ss->owner);
      const bool current = owner->slabs[s.cls].current == &s;
      const bool on_list = on_lists[detail::slab_number(ss, &s)] != 0;
      if (s.free_count && !on_list)
        err.add("superslab %zu slab %u: %u free blocks, but on no slab list of heap %u (no refill finds them)", i,
                s.index, s.free_count, owner->id);
      if (s.listed != on_list)
        err.add("superslab %zu slab %u: marked %s, but %s", i, s.index, s.listed ? "listed" : "unlisted",
                on_list ? "on a slab list" : "on none");
      if (!current && carved && s.free_count == carved)
        err.add("superslab %zu slab %u: all %u carved blocks free, yet the slab was kept (it should have gone back)", i,
                s.index, carved);
      r->tiny_free_blocks += s.free_count + (s.capacity - carved);
      r->tiny_capacity_blocks += s.capacity;
    }
  }

  r->large_live_blocks = large_.size();
  std::size_t arena_blocks_bytes = 0;
  large_.for_each([&](std::uintptr_t u) {
    const auto* hdr = reinterpret_cast<const LargeHeader*>(u - sizeof(LargeHeader));
    r->large_live_bytes += hdr->usable;
    if (hdr->origin == kArenaOrigin) arena_blocks_bytes += hdr->map_bytes;
  });
  // The large arena: its bitmaps recounted, and its pages in use are the live blocks' runs.
  large_arena_.check([&](const char* fmt, auto... args) { err.add(fmt, args...); });
  if (large_arena_.live_bytes() != arena_blocks_bytes)
    err.add("large arena: %zu bytes carved, the live blocks in it hold %zu", large_arena_.live_bytes(), arena_blocks_bytes);
  r->mapped_bytes = os_.mapped_bytes();
  r->peak_mapped_bytes = os_.peak_mapped_bytes();
  r->os_map_calls = os_.map_calls();
  r->os_unmap_calls = os_.unmap_calls();
  r->os_map_failures = os_.failures();
  munmap(seen, scratch_bytes);
  return r->errors ? -1 : 0;
}

// Each record of pool superslab ss (class c) describes the blocks that start in its 64 KiB as
// free reads them (see Slab::pool_class): the class's shape and cache, the first of them, how
// many of them were carved, and whether a freeing thread keeps them (pool v2 off).
template <class Cfg>
void Allocator<Cfg>::check_pool_records(SuperslabHeader* ss, unsigned c, detail::CheckErrors& err) noexcept {
  const std::uint32_t carved = ss->pool_carved.load(std::memory_order_relaxed), bs = ss->pool_block_size;
  const std::uintptr_t data = reinterpret_cast<std::uintptr_t>(ss) + kHeaderBytes;
  for (unsigned k = 0; k < kSlabsPerSuperslab; ++k) {  // (Slab::index is a tiny slab's)
    const Slab& s = ss->slabs()[k];
    if (s.pool_class != c || s.block_size != bs || s.reciprocal != ss->pool_reciprocal || s.cls != kNoClass ||
        s.freer_caches.load(std::memory_order_relaxed) != 1) {
      err.add("pool P%u: superslab region %u slab %u's record names class %u, block size %u (not the pool's)", c,
              ss->region, k, s.pool_class, s.block_size);
      continue;
    }
    const std::uint16_t cache = s.front_offset.load(std::memory_order_relaxed);
    if (cache != (pool_v2() ? kNoCacheOffset : pool_front_offset_of(c)))
      err.add("pool P%u: superslab region %u slab %u's record sends frees to %s with pool v2 %s", c, ss->region, k,
              cache == kNoCacheOffset ? "the slow path" : cache == pool_front_offset_of(c) ? "v1's cache" : "another cache",
              pool_v2() ? "on" : "off");
    // Blocks [lo, hi) start in this slab; want: how many of them were carved.
    const std::uint32_t lo = pool_first_block_of(k, bs);
    const std::uint32_t hi = std::min(pool_first_block_of(k + 1, bs), ss->pool_capacity);
    const std::uintptr_t start = lo < hi ? data + std::uintptr_t{lo} * bs : Slab::kNoData;
    const std::uint32_t want = lo < hi && carved > lo ? std::min(hi, carved) - lo : 0;
    if (s.data_start != start || s.carved.load(std::memory_order_relaxed) != want ||
        s.carved_bytes.load(std::memory_order_relaxed) != want * bs)
      err.add("pool P%u: superslab region %u slab %u's record says %u blocks carved, its blocks say %u (its data at %#zx, "
              "theirs at %#zx)", c, ss->region, k, s.carved.load(std::memory_order_relaxed), want,
              static_cast<std::size_t>(s.data_start), static_cast<std::size_t>(start));
  }
}

// Heap h's slab lists of class c: the current slab, then the partial list (doubly linked, every
// slab with a free block). Each slab named counts in on_lists[slab id]: twice is a cycle, or a
// slab that is both current and partial.
template <class Cfg>
void Allocator<Cfg>::check_slab_lists(HeapT* h, unsigned c, std::uint8_t* on_lists, detail::CheckErrors& err) noexcept {
  auto named = [&](Slab* s, const char* as) {  // false: stop walking (not a slab, or seen before)
    const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(s) - reinterpret_cast<std::uintptr_t>(base_);
    SuperslabHeader* ss = off < arena_top() ? superslab_of(s) : nullptr;
    const std::uintptr_t rec = reinterpret_cast<std::uintptr_t>(s) - reinterpret_cast<std::uintptr_t>(ss ? ss->slabs().data() : nullptr);
    if (!ss || ss->magic != kSuperslabMagic || ss->kind != SsKind::kTiny || rec % sizeof(Slab) ||
        rec / sizeof(Slab) >= kSlabsPerSuperslab) {
      err.add("heap %u C%u: its %s %p is no slab record of a tiny superslab", h->id, c, as, static_cast<void*>(s));
      return false;
    }
    if (ss->owner != h)
      err.add("heap %u C%u: its %s (superslab %u slab %u) belongs to heap %u", h->id, c, as, ss->region, s->index,
              static_cast<HeapT*>(ss->owner)->id);
    if (s->cls != c)
      err.add("heap %u C%u: its %s (superslab %u slab %u) is of class C%u", h->id, c, as, ss->region, s->index, s->cls);
    if (on_lists[detail::slab_number(ss, s)]++) {
      err.add("heap %u C%u: its %s (superslab %u slab %u) is named twice by its lists", h->id, c, as, ss->region,
              s->index);
      return false;
    }
    return true;
  };
  auto& cs = h->slabs[c];
  if (cs.current) named(cs.current, "current slab");
  Slab* prev = nullptr;
  for (Slab* s = cs.partial; s && named(s, "partial slab"); prev = s, s = s->next) {
    if (s->prev != prev)
      err.add("heap %u C%u: partial slab %p links back to %p, not to %p", h->id, c, static_cast<void*>(s),
              static_cast<void*>(s->prev), static_cast<void*>(prev));
    if (!s->free_list)
      err.add("heap %u C%u: partial slab %p has no free block (refills step over it)", h->id, c, static_cast<void*>(s));
  }
}

template <class Cfg>
void Allocator<Cfg>::record_final_state() noexcept {
  if constexpr (TraceT::kOn) {
    const std::size_t nss = arena_top() >> kSuperslabShift;
    for (std::size_t i = 0; i < nss; ++i) {
      auto* ss = reinterpret_cast<SuperslabHeader*>(base_ + i * kSuperslabSize);
      if (ss->kind == SsKind::kTiny) {
        for (const Slab& s : ss->slabs())
          if (s.cls != kNoClass)
            trace_.record({Ev::kFinalSlab, Path::kSlab, s.cls, ss->region, s.index * kSlabSize, s.cls,
                           s.carved.load(std::memory_order_relaxed), s.free_count});
      } else if (ss->kind == SsKind::kPool) {
        trace_.record({Ev::kFinalSlab, Path::kPoolV1, ss->pool_class, ss->region, 0, ss->pool_class,
                       ss->pool_carved.load(std::memory_order_relaxed), 0});
      }
    }
    for (unsigned c = 0; c < kTinyClassCount; ++c) {
      const std::uint32_t n = spill_[c].stack.for_each_quiescent([](void*) {});
      trace_.record({Ev::kFinalQueue, Path::kSpill, std::uint8_t(c), 0, 0, spill_[c].stack.length(), n, 0});
    }
    for (unsigned c = 0; c < kPoolClassCount; ++c)
      trace_.record({Ev::kFinalQueue, Path::kPoolV1, std::uint8_t(c), 0, 0, pool_[c].free_count.get(),
                     pool_[c].purged_count.get(), 0});
  }
}

}  // namespace hakmem
