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
  while (n < want && pcl.purged_list.get()) {  // their pages fault back in as the caller writes
    void* p = pcl.purged_list.get();
    pcl.purged_list.set(pool_link_next(p));
    pcl.purged_count.set(pcl.purged_count.get() - 1);
    const std::uintptr_t start = pool_purge_start(p), end = pool_purge_end(p, kPoolSizes[pc]);
    if (start < end) os_.unpurged(end - start);
    out[n++] = p;
  }
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
      ss->next = pcl.all.get();
      pcl.all.set(ss);
      pcl.current.set(ss);
    }
    const std::uint32_t carved = ss->pool_carved.load(std::memory_order_relaxed);
    void* p = reinterpret_cast<char*>(ss) + kHeaderBytes + std::size_t{carved} * ss->pool_block_size;
    ss->pool_carved.store(carved + 1, std::memory_order_relaxed);
    pcl.carved.set(pcl.carved.get() + 1);
    out[n++] = p;
  }
  return n;
}

template <class Cfg>
void* Allocator<Cfg>::pool_v1_alloc(unsigned pc) noexcept {
  void* p;
  if (!pool_v1_take(pc, &p, 1)) return fail(ENOMEM);
  mark_live(p);
  return p;
}

// The blocks join the newest end of the class's free list, blocks[n - 1] newest. A class of two
// pages or more keeps resident free blocks up to opt_.pool_keep_free_bytes (2 MiB) or as many as
// it has in use, whichever is more, and at least one; past that, up to n + 1 of its oldest free
// blocks leave the list, give their pages after the first (link, canary) back to the OS outside
// the lock, and join the purged list, which reuse takes only when the resident list is empty.
// One more than it got, so that freeing everything converges to the keep. (Purging the freed
// block itself past a fixed 4 MiB made random_large 9x slower: a class whose free list wanders
// around the limit faulted on every reuse; its oldest blocks past 4 MiB still cost 12%.)
// Every caller gives at most kPoolCacheMax blocks: a hotbox, a cache, or a cache's older half.
static_assert(kHotboxCapacity <= kPoolCacheMax, "flush_heap gives a whole hotbox in one batch");

template <class Cfg>
void Allocator<Cfg>::pool_v1_free(unsigned pc, void* const* blocks, std::uint32_t n) noexcept {
  PoolClass& pcl = pool_[pc];
  const std::size_t bs = kPoolSizes[pc];
  const std::uintptr_t page = OsLayer::page_size();
  void* old[kPoolCacheMax + 1];
  std::uint32_t k = 0;
  {
    LockGuard g(pcl.lock);
    for (std::uint32_t i = 0; i < n; ++i) {
      void* p = blocks[i];
      pool_link_next(p) = pcl.free_list.get();
      if (pcl.free_list.get()) pool_link_prev(pcl.free_list.get()) = p; else pcl.free_tail.set(p);
      pcl.free_list.set(p);
    }
    pcl.free_count.set(pcl.free_count.get() + n);
    if (Cfg::Quirks::kNoPoolPurge || bs < 2 * page) return;
    const std::size_t in_use = pcl.carved.get() - pcl.free_count.get() - pcl.purged_count.get();
    const std::size_t floor = opt_.pool_keep_free_bytes / bs;
    const std::size_t keep = in_use > floor ? in_use : floor;
    while (k <= n && pcl.free_count.get() > keep && pcl.free_count.get() > 1) old[k++] = take_pool_tail(pcl);
  }
  if (k == 0) return;
  for (std::uint32_t i = 0; i < k; ++i) {
    const std::uintptr_t start = pool_purge_start(old[i]), end = pool_purge_end(old[i], bs);
    if (start < end) os_.purge(reinterpret_cast<void*>(start), end - start);
  }
  MaybeLockGuard<SpinLock<A>, !Cfg::Quirks::kPurgeListUnlocked> g(pcl.lock);
  for (std::uint32_t i = 0; i < k; ++i) {
    pool_link_next(old[i]) = pcl.purged_list.get();
    pcl.purged_list.set(old[i]);
  }
  pcl.purged_count.set(pcl.purged_count.get() + k);
}

// A malloc of class pc whose thread cache is empty: take half the capacity from the class in one
// lock, newest resident block on top. (The hit, a pop, is inline in pool_alloc.)
template <class Cfg>
void* Allocator<Cfg>::pool_cache_refill(HeapT* h, unsigned pc) noexcept {
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

// The newest block of the class's free list (not empty). The new head's back link goes stale:
// only the tail's is ever followed, and the tail is the head only when it is the last.
template <class Cfg>
void* Allocator<Cfg>::pop_pool_free(PoolClass& pcl) noexcept {
  void* p = pcl.free_list.get();
  pcl.free_list.set(pool_link_next(p));
  if (!pcl.free_list.get()) pcl.free_tail.set(nullptr);
  pcl.free_count.set(pcl.free_count.get() - 1);
  return p;
}

// The oldest block of the class's free list (two or more on it).
template <class Cfg>
void* Allocator<Cfg>::take_pool_tail(PoolClass& pcl) noexcept {
  void* t = pcl.free_tail.get();
  void* newer = pool_link_prev(t);
  pool_link_next(newer) = nullptr;
  pcl.free_tail.set(newer);
  pcl.free_count.set(pcl.free_count.get() - 1);
  return t;
}

// A mid-size malloc. The v1 cache's hit is the straight path; v2 and the misses are calls, so
// the hit saves no registers.
template <class Cfg>
void* Allocator<Cfg>::pool_alloc(unsigned pc) noexcept {
  HeapT* h = heap_or_attach();
  void* p;
  if (HAKMEM_UNLIKELY(h == nullptr)) {
    p = pool_v1_alloc(pc);
  } else if (HAKMEM_UNLIKELY(pool_v2())) {
    return pool_v2_alloc(h, pc);
  } else {
    auto& c = h->pool_cache[pc];
    if (HAKMEM_LIKELY(c.count)) {
      p = c.slots[--c.count];
      mark_live(p);
    } else {
      p = pool_cache_refill(h, pc);
    }
  }
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
  const unsigned pc = validate_pool(p, ss, "free");
  mark_free(p);
  HeapT* h = heap();
  if (h && pool_v2()) {
    auto& s = tel_.pool_v2;
    s.free_calls.inc();
    auto& hb = h->hot[pc];
    if (hb.count < kHotboxCapacity) {
      s.free_fast.inc();
      hb.slots[hb.count++] = p;
      if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kPoolV2, p, 0, 0);
      return;
    }
    s.free_fallback_v1.inc();
    h = nullptr;  // v2 stands in for v1's cache: the overflow goes to the class
  }
  if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kPoolV1, p, 0, 0);
  if (!h) return pool_v1_free(pc, &p, 1);
  auto& c = h->pool_cache[pc];
  if (HAKMEM_UNLIKELY(c.count == c.capacity)) return pool_cache_overflow(h, pc, p);
  c.slots[c.count++] = p;
}

}  // namespace hakmem
