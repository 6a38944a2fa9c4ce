// The mid-size pool (1.5..32 KiB). v1: one free list per class under a lock, carving pool
// superslabs. v2 "hotbox" (only while pool_v2() is on, HAKMEM_POOL_V2_ENABLED=1): a small
// per-thread stack per class in front of v1, with the seed's twelve telemetry counters.
#pragma once

namespace hakmem {

template <class Cfg>
std::uint32_t Allocator<Cfg>::pool_v1_take(unsigned pc, void** out, std::uint32_t want) noexcept {
  PoolClass& pcl = pool_[pc];
  MaybeLockGuard<SpinLock<A>, !Cfg::Quirks::kPoolTakeUnlocked> g(pcl.lock);
  std::uint32_t n = 0;
  while (n < want && pcl.free_list.get()) {
    void* p = pcl.free_list.get();
    pcl.free_list.set(*static_cast<void**>(p));
    pcl.free_count.set(pcl.free_count.get() - 1);
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

template <class Cfg>
void Allocator<Cfg>::pool_v1_free(unsigned pc, void* p) noexcept {
  PoolClass& pcl = pool_[pc];
  LockGuard g(pcl.lock);
  *static_cast<void**>(p) = pcl.free_list.get();
  pcl.free_list.set(p);
  pcl.free_count.set(pcl.free_count.get() + 1);
}

template <class Cfg>
void* Allocator<Cfg>::pool_alloc(unsigned pc) noexcept {
  void* p = nullptr;
  Path path = Path::kPoolV1;
  HeapT* h;
  if (pool_v2() && (h = heap_or_attach()) != nullptr) {
    auto& s = tel_.pool_v2;
    s.alloc_calls.inc();
    auto& hb = h->hot[pc];
    if (hb.count) {
      s.alloc_fast.inc();
      p = hb.slots[--hb.count];
      mark_live(p);
    } else {
      hb.count = pool_v1_take(pc, hb.slots, kHotboxRefill);
      if (hb.count) {
        s.alloc_refill.inc();
        p = hb.slots[--hb.count];
        mark_live(p);
      } else {
        s.alloc_refill_fail.inc();
        s.alloc_fallback_v1.inc();
      }
    }
    path = Path::kPoolV2;
  }
  if (!p) p = pool_v1_alloc(pc);
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
  HeapT* h;
  if (pool_v2() && (h = heap()) != nullptr) {
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
  }
  if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kPoolV1, p, 0, 0);
  pool_v1_free(pc, p);
}

}  // namespace hakmem
