// The mid-size pool (1.5..128 KiB). v1: one free list per class under a lock, carving pool
// superslabs, behind a per-thread cache per class (Options::pool_cache_bytes). v2 "hotbox"
// (only while pool_v2() is on, HAKMEM_POOL_V2_ENABLED=1): a small per-thread stack per class in
// front of v1's class lists (instead of v1's cache), with the seed's twelve telemetry counters.
#pragma once

namespace hakmem {

template <class Cfg>
std::uint32_t Allocator<Cfg>::pool_v1_take(unsigned pc, void** out, std::uint32_t want) noexcept {
  PoolClass& pcl = pool_[pc];
  MaybeLockGuard<SpinLock<A>, !Cfg::Quirks::kPoolTakeUnlocked> g(pcl.lock);
  std::uint32_t n = 0;
  while (n < want && pcl.free_list.get()) out[n++] = pop_pool_free(pcl);
  // Their pages fault back in as the caller writes.
  while (n < want && pcl.purged_list.get()) out[n++] = pop_pool_purged(pcl);
  while (n < want) {
    SuperslabHeader* ss = pcl.current.get();
    if (!ss || ss->pool_carved.load(std::memory_order_relaxed) == ss->pool_capacity) {
      ss = acquire_superslab(SsKind::kPool);  // lock order: pool class, then arena
      if (!ss) break;
      ss->pool_class = static_cast<std::uint8_t>(pc);
      ss->pool_block_size = kPoolSizes[pc];
      ss->pool_reciprocal = reciprocal_of(kPoolSizes[pc]);
      ss->pool_capacity = static_cast<std::uint32_t>((kSuperslabSize - kHeaderBytes) / kPoolSizes[pc]);
      ss->pool_carved.store(0, std::memory_order_relaxed);
      init_pool_records(ss, pc);
      ss->pool_free = ss->pool_purged = 0;
      ss->pool_purged_bytes = 0;
      ss->empty_prev = ss->empty_next = nullptr;
      ss->empty_listed = false;
      ss->next = pcl.all.get();
      if (ss->next) ss->next->prev = ss;
      pcl.all.set(ss);
      pcl.current.set(ss);
    }
    const std::uint32_t carved = ss->pool_carved.load(std::memory_order_relaxed);
    void* p = reinterpret_cast<char*>(ss) + kHeaderBytes + std::size_t{carved} * ss->pool_block_size;
    ss->pool_carved.store(carved + 1, std::memory_order_relaxed);
    if constexpr (!Cfg::Quirks::kPoolRecordsNotCarved) {
      const unsigned k = pool_record_of(carved, ss->pool_block_size);
      ss->slabs()[k].set_carved(carved + 1 - pool_first_block_of(k, ss->pool_block_size));
    }
    pcl.carved.set(pcl.carved.get() + 1);
    out[n++] = p;
  }
  return n;
}

// The records of pool superslab ss, new to class pc, each as a tiny slab's record of the blocks
// that start in it (see Slab::pool_class); none carved yet. Under the class lock, which
// set_pool_v2 takes to rewrite front_offset.
template <class Cfg>
void Allocator<Cfg>::init_pool_records(SuperslabHeader* ss, unsigned pc) noexcept {
  const std::uint32_t bs = kPoolSizes[pc];
  const std::uintptr_t data = reinterpret_cast<std::uintptr_t>(ss) + kHeaderBytes;
  for (unsigned k = 0; k < kSlabsPerSuperslab; ++k) {
    Slab& s = ss->slabs()[k];
    s.pool_class = static_cast<std::uint8_t>(pc);
    s.block_size = bs;
    s.reciprocal = reciprocal_of(bs);
    const std::uint32_t first = pool_first_block_of(k, bs);
    s.data_start = first < ss->pool_capacity && pool_record_of(first, bs) == k ? data + std::uintptr_t{first} * bs : Slab::kNoData;
    s.front_offset.store(pool_v2() ? kNoCacheOffset : pool_front_offset_of(pc), std::memory_order_relaxed);
    s.set_carved(0);
    s.freer_caches.store(1, std::memory_order_relaxed);
  }
}

template <class Cfg>
void Allocator<Cfg>::set_pool_v2(bool on) noexcept {
  pool_v2_.store(on, std::memory_order_relaxed);
  if constexpr (Cfg::Quirks::kPoolV2KeepsRecordRouting) return;
  // Then the records: a free that follows this call sees v2's routing (init_pool_records reads
  // pool_v2() under the class lock taken here after the store). A free racing with it caches
  // its block either way, both right.
  for (unsigned pc = 0; pc < kPoolClassCount; ++pc) {
    LockGuard g(pool_[pc].lock);
    const std::uint16_t cache = on ? kNoCacheOffset : pool_front_offset_of(pc);
    for (SuperslabHeader* ss = pool_[pc].all.get(); ss; ss = ss->next)
      for (Slab& s : ss->slabs()) s.front_offset.store(cache, std::memory_order_relaxed);
  }
}

template <class Cfg>
void* Allocator<Cfg>::pool_v1_alloc(unsigned pc) noexcept {
  void* p;
  if (!pool_v1_take(pc, &p, 1)) return fail(ENOMEM);
  mark_live(p);
  return p;
}

// The blocks join the newest end of the class's free list, blocks[n - 1] newest. A class keeps
// resident free blocks up to opt_.pool_keep_free_bytes (2 MiB) or as many as it has in use,
// whichever is more, and at least one. Past that:
//  - a superslab whose every block is free goes back to the arena (decommitted there), so
//    another class, or the tiny heaps, can use its memory: a program that frees one size and
//    then allocates another (sqlite's statement cache, then its page cache) needs no new pages;
//  - in a class of two pages or more, up to n + 1 of the oldest free blocks leave the list,
//    give their pages after the first (link, canary) back to the OS outside the lock, and join
//    the purged list, which reuse takes only when the resident list is empty. One more than it
//    got, so that freeing everything converges to the keep. (Purging the freed block itself
//    past a fixed 4 MiB made random_large 9x slower: a class whose free list wanders around the
//    limit faulted on every reuse; its oldest blocks past 4 MiB still cost 12%.)
// Every caller gives at most kPoolCacheMax blocks: a hotbox, a cache, or a cache's older half.
static_assert(kHotboxCapacity <= kPoolCacheMax, "flush_heap gives a whole hotbox in one batch");

template <class Cfg>
void Allocator<Cfg>::pool_v1_free(unsigned pc, void* const* blocks, std::uint32_t n) noexcept {
  PoolClass& pcl = pool_[pc];
  const std::size_t bs = kPoolSizes[pc];
  const std::uintptr_t page = OsLayer::page_size();
  void* old[kPoolCacheMax + 1];
  SuperslabHeader* emptied[kPoolReleaseBatch];
  std::uint32_t k = 0, e = 0;
  {
    LockGuard g(pcl.lock);
    for (std::uint32_t i = 0; i < n; ++i) push_pool_free(pcl, blocks[i]);
    e = take_releasable_pool_superslabs(pc, emptied);
    if (!Cfg::Quirks::kNoPoolPurge && bs >= 2 * page) {
      const std::size_t in_use = pcl.carved.get() - pcl.free_count.get() - pcl.purged_count.get();
      const std::size_t floor = opt_.pool_keep_free_bytes / bs;
      const std::size_t keep = in_use > floor ? in_use : floor;
      while (k <= n && pcl.free_count.get() > keep && pcl.free_count.get() > 1) old[k++] = take_pool_tail(pcl);
    }
  }
  for (std::uint32_t i = 0; i < e; ++i) release_superslab(emptied[i]);
  if (k == 0) return;
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uintptr_t start = pool_purge_start(old[i]), end = pool_purge_end(old[i], bs);
    if (start < end) os_.purge(reinterpret_cast<void*>(start), end - start);
  }
  {
    MaybeLockGuard<SpinLock<A>, !Cfg::Quirks::kPurgeListUnlocked> g(pcl.lock);
    for (std::uint32_t i = 0; i < k; ++i) push_pool_purged(pcl, old[i]);
    e = take_releasable_pool_superslabs(pc, emptied);  // a purged block may have been its last
  }
  for (std::uint32_t i = 0; i < e; ++i) release_superslab(emptied[i]);
}

// Wholly free superslabs of class pc to give back (at most kPoolReleaseBatch a call), taken
// off the class: while what the class would still have free covers its keep (see pool_v1_free).
template <class Cfg>
std::uint32_t Allocator<Cfg>::take_releasable_pool_superslabs(unsigned pc, SuperslabHeader** out) noexcept {
  if (Cfg::Quirks::kNoPoolRelease || !opt_.pool_release) return 0;
  PoolClass& pcl = pool_[pc];
  const std::size_t floor = opt_.pool_keep_free_bytes / kPoolSizes[pc];
  std::uint32_t n = 0;
  while (n < kPoolReleaseBatch && pcl.empty.get()) {
    SuperslabHeader* ss = pcl.empty.get();
    const std::size_t free_blocks = std::size_t{pcl.free_count.get()} + pcl.purged_count.get();
    const std::size_t in_use = pcl.carved.get() - free_blocks;  // blocks being purged count here
    const std::size_t keep = in_use > floor ? in_use : floor;
    if (free_blocks - ss->pool_carved.load(std::memory_order_relaxed) < keep) break;
    unlink_pool_superslab(pcl, ss);
    out[n++] = ss;
  }
  return n;
}

// Takes a wholly free superslab (the head of the class's empty list) off its class: its blocks
// off the two free lists, its carved count off the class's, itself off the class's lists.
template <class Cfg>
void Allocator<Cfg>::unlink_pool_superslab(PoolClass& pcl, SuperslabHeader* ss) noexcept {
  pcl.empty.set(ss->empty_next);
  if (ss->empty_next) ss->empty_next->empty_prev = nullptr;
  ss->empty_listed = false;
  const std::uint32_t carved = ss->pool_carved.load(std::memory_order_relaxed);
  if constexpr (!Cfg::Quirks::kPoolReleaseLeavesBlocks) {
    char* const data = reinterpret_cast<char*>(ss) + kHeaderBytes;
    for (std::uint32_t i = 0; i < carved; ++i) {  // each is on one of the lists: unlink it there
      void* p = data + std::size_t{i} * ss->pool_block_size;
      void* next = pool_link_next(p);
      void* prev = pool_link_prev(p);
      if (prev) pool_link_next(prev) = next;
      else if (pcl.free_list.get() == p) pcl.free_list.set(next);
      else pcl.purged_list.set(next);
      if (next) pool_link_prev(next) = prev;
      else if (pcl.free_tail.get() == p) pcl.free_tail.set(prev);
    }
    pcl.free_count.set(pcl.free_count.get() - ss->pool_free);
    pcl.purged_count.set(pcl.purged_count.get() - ss->pool_purged);
    pcl.carved.set(pcl.carved.get() - carved);
  }
  if (ss->pool_purged_bytes) os_.unpurged(ss->pool_purged_bytes);  // the arena decommits it whole
  if (ss->prev) ss->prev->next = ss->next; else pcl.all.set(ss->next);
  if (ss->next) ss->next->prev = ss->prev;
  if (pcl.current.get() == ss) pcl.current.set(nullptr);
}

// A malloc of class pc whose thread cache is empty: take half the capacity from the class in one
// lock, newest resident block on top. (The hit, a pop, is inline in pool_alloc.)
template <class Cfg>
void* Allocator<Cfg>::pool_cache_refill(HeapT* h, unsigned pc) noexcept {
  void* p = pool_cache_refill_untraced(h, pc);
  if constexpr (TraceT::kOn)
    if (p) trace_block(Ev::kAlloc, Path::kPoolV1, p, kPoolSizes[pc], kPoolSizes[pc]);
  return p;
}

template <class Cfg>
void* Allocator<Cfg>::pool_cache_refill_untraced(HeapT* h, unsigned pc) noexcept {
  auto& c = h->pool_cache[pc];
  if (c.capacity == 0) return pool_v1_alloc(pc);
  const std::uint32_t n = pool_v1_take(pc, c.slots, (c.capacity + 1) / 2);
  if (n == 0) return fail(ENOMEM);
  c.refilled = true;
  std::reverse(c.slots, c.slots + n);  // taken newest first; the cache pops from its end
  // Blocks carved just now carry no canary: a free of one the thread never handed out must
  // abort as the free of a free block, not push it into the cache a second time.
  if constexpr (!Cfg::Quirks::kPoolCacheUnmarked)
    for (std::uint32_t i = 0; i + 1 < n; ++i) mark_free(c.slots[i]);
  c.count = n - 1;
  void* p = c.slots[n - 1];
  mark_live(p);
  return p;
}

// A free of class pc (validated, marked free) into a full thread cache: its older half goes back
// to the class in one lock first. (The push into a cache with room is inline in pool_free.)
template <class Cfg>
void Allocator<Cfg>::pool_cache_overflow(HeapT* h, unsigned pc, void* p) noexcept {
  auto& c = h->pool_cache[pc];
  if (c.capacity == 0) return pool_v1_free(pc, &p, 1);
  const std::uint32_t give = c.capacity - c.capacity / 2;
  pool_v1_free(pc, c.slots, give);
  for (std::uint32_t i = give; i < c.count; ++i) c.slots[i - give] = c.slots[i];
  c.count -= give;
  c.slots[c.count++] = p;
  if (c.refilled && c.capacity < kPoolCacheMax) {  // double, as far as the thread's budget pays
    const std::uint32_t more = std::min<std::size_t>(std::min(c.capacity, kPoolCacheMax - c.capacity),
                                                     h->pool_growth_left / kPoolSizes[pc]);
    c.capacity += more;
    h->pool_growth_left -= std::size_t{more} * kPoolSizes[pc];
  }
  c.refilled = false;
}

// The class's free lists are doubly linked (a head's back link is null), so that a superslab
// given back can unlink its blocks wherever they are. Each block's superslab counts its blocks
// on them; once they are all its carved blocks, it joins the class's empty list.
template <class Cfg>
void Allocator<Cfg>::push_pool_free(PoolClass& pcl, void* p) noexcept {
  void* head = pcl.free_list.get();
  pool_link_next(p) = head;
  pool_link_prev(p) = nullptr;
  if (head) pool_link_prev(head) = p; else pcl.free_tail.set(p);
  pcl.free_list.set(p);
  pcl.free_count.set(pcl.free_count.get() + 1);
  SuperslabHeader* ss = superslab_of(p);
  ++ss->pool_free;
  note_pool_block_freed(pcl, ss);
}

// A block whose pages after the first were purged.
template <class Cfg>
void Allocator<Cfg>::push_pool_purged(PoolClass& pcl, void* p) noexcept {
  void* head = pcl.purged_list.get();
  pool_link_next(p) = head;
  pool_link_prev(p) = nullptr;
  if (head) pool_link_prev(head) = p;
  pcl.purged_list.set(p);
  pcl.purged_count.set(pcl.purged_count.get() + 1);
  SuperslabHeader* ss = superslab_of(p);
  ++ss->pool_purged;
  ss->pool_purged_bytes += pool_purged_span(p, ss->pool_block_size);
  note_pool_block_freed(pcl, ss);
}

// The newest block of the class's free list (not empty).
template <class Cfg>
void* Allocator<Cfg>::pop_pool_free(PoolClass& pcl) noexcept {
  void* p = pcl.free_list.get();
  void* next = pool_link_next(p);
  pcl.free_list.set(next);
  if (next) pool_link_prev(next) = nullptr; else pcl.free_tail.set(nullptr);
  pcl.free_count.set(pcl.free_count.get() - 1);
  SuperslabHeader* ss = superslab_of(p);
  --ss->pool_free;
  note_pool_block_taken(pcl, ss);
  return p;
}

template <class Cfg>
void* Allocator<Cfg>::pop_pool_purged(PoolClass& pcl) noexcept {
  void* p = pcl.purged_list.get();
  void* next = pool_link_next(p);
  pcl.purged_list.set(next);
  if (next) pool_link_prev(next) = nullptr;
  pcl.purged_count.set(pcl.purged_count.get() - 1);
  SuperslabHeader* ss = superslab_of(p);
  const std::size_t dropped = pool_purged_span(p, ss->pool_block_size);
  if (dropped) os_.unpurged(dropped);
  --ss->pool_purged;
  ss->pool_purged_bytes -= dropped;
  note_pool_block_taken(pcl, ss);
  return p;
}

// The oldest block of the class's free list (two or more on it), to be purged: until it joins
// the purged list it is on no list, and its superslab is not wholly free.
template <class Cfg>
void* Allocator<Cfg>::take_pool_tail(PoolClass& pcl) noexcept {
  void* t = pcl.free_tail.get();
  void* newer = pool_link_prev(t);
  pool_link_next(newer) = nullptr;
  pcl.free_tail.set(newer);
  pcl.free_count.set(pcl.free_count.get() - 1);
  SuperslabHeader* ss = superslab_of(t);
  --ss->pool_free;
  note_pool_block_taken(pcl, ss);
  return t;
}

// A superslab is wholly free when its blocks on the lists are all it carved. The one being
// carved stays off the empty list until it is carved to the end: its next block is on the way.
template <class Cfg>
void Allocator<Cfg>::note_pool_block_freed(PoolClass& pcl, SuperslabHeader* ss) noexcept {
  const std::uint32_t carved = ss->pool_carved.load(std::memory_order_relaxed);
  if (ss->empty_listed || ss->pool_free + ss->pool_purged != carved) return;
  if (ss == pcl.current.get() && carved != ss->pool_capacity) return;
  ss->empty_listed = true;
  ss->empty_prev = nullptr;
  ss->empty_next = pcl.empty.get();
  if (ss->empty_next) ss->empty_next->empty_prev = ss;
  pcl.empty.set(ss);
}

template <class Cfg>
void Allocator<Cfg>::note_pool_block_taken(PoolClass& pcl, SuperslabHeader* ss) noexcept {
  if (!ss->empty_listed) return;
  ss->empty_listed = false;
  if (ss->empty_prev) ss->empty_prev->empty_next = ss->empty_next; else pcl.empty.set(ss->empty_next);
  if (ss->empty_next) ss->empty_next->empty_prev = ss->empty_prev;
}

// A mid-size malloc. The v1 cache's hit is the straight path; everything else is a tail call
// (the first malloc of a thread, v2, a refill), so the hit keeps no stack frame.
template <class Cfg>
void* Allocator<Cfg>::pool_alloc(unsigned pc) noexcept {
  HeapT* h = heap();
  if (HAKMEM_UNLIKELY(h == nullptr || pool_v2())) return pool_alloc_uncached(pc);
  auto& c = h->pool_cache[pc];
  if (HAKMEM_UNLIKELY(c.count == 0)) return pool_cache_refill(h, pc);
  void* p = c.slots[--c.count];
  mark_live(p);
  if constexpr (TraceT::kOn) trace_block(Ev::kAlloc, Path::kPoolV1, p, kPoolSizes[pc], kPoolSizes[pc]);
  return p;
}

// A mid-size malloc without a heap yet (attach one), or with pool v2 on.
template <class Cfg>
void* Allocator<Cfg>::pool_alloc_uncached(unsigned pc) noexcept {
  HeapT* h = heap_or_attach();
  if (h && pool_v2()) return pool_v2_alloc(h, pc);
  if (h) return pool_alloc(pc);  // attached just now
  void* p = pool_v1_alloc(pc);
  if constexpr (TraceT::kOn)
    if (p) trace_block(Ev::kAlloc, Path::kPoolV1, p, kPoolSizes[pc], kPoolSizes[pc]);
  return p;
}

// Pool v2: the hotbox, refilled from the class lists; when a refill fails, v1's class lists
// serve the request.
template <class Cfg>
void* Allocator<Cfg>::pool_v2_alloc(HeapT* h, unsigned pc) noexcept {
  auto& s = tel_.pool_v2;
  s.alloc_calls.inc();
  auto& hb = h->hot[pc];
  void* p = nullptr;
  if (hb.count) {
    s.alloc_fast.inc();
    p = hb.slots[--hb.count];
    mark_live(p);
  } else {
    hb.count = pool_v1_take(pc, hb.slots, kHotboxRefill);
    if (hb.count) {
      s.alloc_refill.inc();
      for (std::uint32_t i = 0; i + 1 < hb.count; ++i) mark_free(hb.slots[i]);  // as pool_cache_refill's
      p = hb.slots[--hb.count];
      mark_live(p);
    } else {
      s.alloc_refill_fail.inc();
      s.alloc_fallback_v1.inc();
    }
  }
  Path path = Path::kPoolV2;
  if (!p) {
    p = pool_v1_alloc(pc);
    path = Path::kPoolV1;  // a failed refill's block comes from v1, and its trace says so
  }
  if constexpr (TraceT::kOn)
    if (p) trace_block(Ev::kAlloc, path, p, kPoolSizes[pc], kPoolSizes[pc]);
  return p;
}

// Returns the pool class of a valid live block, or aborts naming what is wrong with p.
template <class Cfg>
std::uint32_t Allocator<Cfg>::validate_pool(const void* p, SuperslabHeader* ss, const char* op) noexcept {
  auto& s = tel_.pool_v2;
  const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(ss) + kHeaderBytes;
  const std::uintptr_t addr = reinterpret_cast<std::uintptr_t>(p);
  if (addr < start) {
    s.page_of_fail_not_pool.inc();
    fatal_bad_pointer(op, p, "not allocated by hakmem (superslab header)");
  }
  const std::uintptr_t off = addr - start;
  const std::uint32_t index = static_cast<std::uint32_t>((std::uint64_t{off} * ss->pool_reciprocal) >> 32);
  if (std::uintptr_t{index} * ss->pool_block_size != off) {
    s.page_of_fail_unaligned.inc();
    fatal_bad_pointer(op, p, "interior pointer (not the start of a block)");
  }
  if (ss->pool_class >= kPoolClassCount) {
    s.page_of_fail_class.inc();
    fatal_bad_pointer(op, p, "not allocated by hakmem (bad pool class)");
  }
  if (index >= ss->pool_carved.load(std::memory_order_relaxed)) {
    s.page_of_fail_foreign.inc();
    fatal_bad_pointer(op, p, "not allocated by hakmem (block never handed out)");
  }
  if (is_marked_free(p)) fatal_bad_pointer(op, p, "double free (block is already free)");
  return ss->pool_class;
}

template <class Cfg>
void Allocator<Cfg>::pool_free(void* p, SuperslabHeader* ss) noexcept {
  pool_free_valid(p, validate_pool(p, ss, "free"));
}

// A valid pool block of class pc, not marked free yet.
template <class Cfg>
void Allocator<Cfg>::pool_free_valid(void* p, unsigned pc) noexcept {
  mark_free(p);
  pool_free_marked(heap(), pc, p);
}

// Pool block p of class pc, marked free, into the cache of heap h (or, without a heap or with v2
// on, pool_free_uncached). Tail calls only: the cache push keeps no stack frame.
template <class Cfg>
void Allocator<Cfg>::pool_free_marked(HeapT* h, unsigned pc, void* p) noexcept {
  if (HAKMEM_UNLIKELY(h == nullptr || pool_v2())) return pool_free_uncached(h, pc, p);
  if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kPoolV1, p, 0, 0);
  auto& c = h->pool_cache[pc];
  if (HAKMEM_UNLIKELY(c.count == c.capacity)) return pool_cache_overflow(h, pc, p);
  c.slots[c.count++] = p;
}

// A pool free without v1's cache: into the hotbox of heap h (pool v2 is on), or, without a heap
// or with a full hotbox, to the class.
template <class Cfg>
void Allocator<Cfg>::pool_free_uncached(HeapT* h, unsigned pc, void* p) noexcept {
  if (h) {
    auto& s = tel_.pool_v2;
    s.free_calls.inc();
    auto& hb = h->hot[pc];
    if (hb.count < kHotboxCapacity) {
      s.free_fast.inc();
      hb.slots[hb.count++] = p;
      if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kPoolV2, p, 0, 0);
      return;
    }
    s.free_fallback_v1.inc();  // v2 stands in for v1's cache: the overflow goes to the class
  }
  if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kPoolV1, p, 0, 0);
  pool_v1_free(pc, &p, 1);
}

}  // namespace hakmem
