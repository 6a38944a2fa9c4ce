// Allocator<Cfg>: one complete hakmem instance (tiny heaps over superslabs, remote frees, spill
// queues, the mid-size pool, large blocks). The hot paths are defined here; the slow paths live
// in the allocator_*.h files included at the end, one concern per file.
#pragma once
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "hakmem/hakmem.h"
#include "hakmem/core/config.h"
#include "hakmem/core/fatal.h"
#include "hakmem/core/heap.h"
#include "hakmem/core/large_arena.h"
#include "hakmem/core/large_cache.h"
#include "hakmem/core/huge_cache.h"
#include "hakmem/core/large_registry.h"
#include "hakmem/core/options.h"
#include "hakmem/core/os_layer.h"
#include "hakmem/core/spill_stack.h"
#include "hakmem/core/spinlock.h"
#include "hakmem/core/superslab.h"
#include "hakmem/core/telemetry.h"

#define HAKMEM_LIKELY(x) __builtin_expect(!!(x), 1)
#define HAKMEM_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace hakmem {

// Larger requests fail with ENOMEM before any size arithmetic can overflow.
inline constexpr std::size_t kMaxRequest = std::size_t{1} << 46;
// realloc between large sizes remaps instead of copying when it would copy at least this much.
inline constexpr std::size_t kRemapMinCopy = std::size_t{256} << 10;

namespace detail {
struct CheckErrors;  // allocator_check.h
}  // namespace detail

template <class Cfg>
class Allocator {
 public:
  using A = typename Cfg::Atomics;
  using Ctx = typename Cfg::Context;
  using TraceT = typename Cfg::Trace;
  using HeapT = Heap<A>;
  static constexpr std::uint32_t kMask = Cfg::kMask;

  explicit Allocator(const Options& opt = Options{});
  ~Allocator();
  Allocator(const Allocator&) = delete;
  Allocator& operator=(const Allocator&) = delete;

  // ---- the malloc API (errno as POSIX says) ----
  void* malloc(std::size_t size) noexcept;
  void free(void* p) noexcept;
  void* calloc(std::size_t n, std::size_t size) noexcept;
  void* realloc(void* p, std::size_t size) noexcept;
  void* aligned_alloc(std::size_t align, std::size_t size) noexcept;  // EINVAL: bad align
  int posix_memalign(void** out, std::size_t align, std::size_t size) noexcept;
  void* memalign(std::size_t align, std::size_t size) noexcept;  // rounds align up, as glibc
  void* valloc(std::size_t size) noexcept;
  void* pvalloc(std::size_t size) noexcept;
  void* reallocarray(void* p, std::size_t n, std::size_t size) noexcept;
  std::size_t usable_size(const void* p) noexcept;

  // Single-instance types (the production library): malloc's thread-cache hit (a tiny front
  // cache, or pool v1's cache for a mid size) reached through the calling thread's heap alone,
  // with no instance pointer to test. nullptr means "call malloc()": no heap yet, a large size,
  // pool v2 on, or an empty cache.
  static void* malloc_from_thread_cache(std::size_t size) noexcept;
  // The shim's free for the process's single instance: true when p lay in its arena (and is
  // freed); false for NULL, large blocks and any free before the instance exists.
  static bool free_in_arena(void* p) noexcept;

  // ---- deterministic maintenance ----
  void thread_flush() noexcept;  // this logical thread's caches back to slabs / the pool
  void thread_exit() noexcept;   // flush and orphan this logical thread's heap; its frees attach none
  std::size_t drain_spill() noexcept;  // one full drain pass; returns blocks drained
  void quiesce() noexcept;       // see hak_quiesce()
  int check(hak_heap_report* out) noexcept;  // see hak_heap_check()
  void record_final_state() noexcept;  // appends final slab and queue state to the trace

  // ---- run-time switches ----
  void set_pool_v2(bool on) noexcept;
  bool pool_v2() const noexcept { return pool_v2_.load(std::memory_order_relaxed); }
  void set_bg_spill(bool on) noexcept;
  // The background drainer's body, for a thread (production) or a logical thread (checker).
  void run_drainer() noexcept;
  void request_drainer_stop() noexcept;

  // ---- fork (the production library registers these with pthread_atfork) ----
  void prefork() noexcept;
  void postfork_parent() noexcept;
  void postfork_child() noexcept;
  // Frees every lock, whoever holds it: the fork child, and teardown (below).
  void reset_locks() noexcept;

  // ---- introspection for tests and the stats API ----
  OsLayer& os() noexcept { return os_; }
  const Telemetry<kMask>& telemetry() const noexcept { return tel_; }
  TraceT& trace() noexcept { return trace_; }
  const Options& options() const noexcept { return opt_; }
  SpillStack<A>& spill(unsigned cls) noexcept { return spill_[cls].stack; }
  const void* arena_base() const noexcept { return base_; }
  bool owns(const void* p) const noexcept;
  // The calling thread's front-cache capacity for tiny class cls (0: it has no heap yet).
  std::uint32_t front_capacity(unsigned cls) noexcept {
    HeapT* h = heap();
    return h ? h->front[cls].capacity : 0;
  }
  // The calling thread's pool v1 cache capacity for pool class pc (0: it has no heap yet).
  std::uint32_t pool_cache_capacity_of(unsigned pc) noexcept {
    HeapT* h = heap();
    return h ? h->pool_cache[pc].capacity : 0;
  }

 private:
  struct alignas(64) SpillSlot { SpillStack<A> stack; };
  // Guarded by `lock`. Plain cells (plain fields in production): under the interleaving
  // checker an access not ordered by the lock is reported as a data race.
  struct alignas(64) PoolClass {
    SpinLock<A> lock;
    // v1 free blocks with their pages, newest first, linked through the first word (and, for
    // the tail's sake, back through the third: pool_link_prev); then blocks whose pages after
    // the first were purged (pool_v1_free), used only when the first list is empty.
    typename A::template Plain<void*> free_list{};
    typename A::template Plain<void*> free_tail{};  // the oldest on free_list
    typename A::template Plain<std::uint32_t> free_count{};
    typename A::template Plain<void*> purged_list{};
    typename A::template Plain<std::uint32_t> purged_count{};
    typename A::template Plain<std::uint32_t> carved{};  // blocks ever cut from its superslabs
    typename A::template Plain<SuperslabHeader*> current{};  // the superslab being carved
    typename A::template Plain<SuperslabHeader*> all{};      // every superslab of the class
    // Its superslabs whose every carved block is free (on the two lists), newest first: the
    // ones to give back to the arena while the class keeps more free than it needs.
    typename A::template Plain<SuperslabHeader*> empty{};
  };
  enum class Kind { kTiny, kPool, kLarge };

  // hot-path helpers
  static constexpr bool kSingleInstance = is_single_instance<Ctx>();
  HeapT* heap() noexcept {
    ThreadSlot& s = Ctx::template slot<Allocator>();
    if constexpr (kSingleInstance) return static_cast<HeapT*>(s.heap);
    return s.instance == this ? static_cast<HeapT*>(s.heap) : nullptr;
  }
  static std::atomic<bool>& live_instance() noexcept {  // single-instance types: one at a time
    static std::atomic<bool> live{false};
    return live;
  }
  std::uint64_t canary(const void* p) const noexcept {
    if constexpr (kSingleInstance) return process_.secret ^ reinterpret_cast<std::uintptr_t>(p);
    return secret_ ^ reinterpret_cast<std::uintptr_t>(p);
  }
  // The live single instance's arena bounds, canary key and address, kept where the shim's free
  // reaches them RIP-relative: its range test needs no load of the instance pointer first.
  struct ProcessView {
    std::uintptr_t base = 0;
    std::atomic<std::uintptr_t> top{0};  // mirrors top_; 0 while no instance lives
    std::uint64_t secret = 0;
    Allocator* self = nullptr;
  };
  static inline ProcessView process_;
  void mark_free(void* p) noexcept { static_cast<std::uint64_t*>(p)[1] = canary(p); }
  static void mark_live(void* p) noexcept { static_cast<std::uint64_t*>(p)[1] = 0; }
  bool is_marked_free(const void* p) const noexcept {
    return static_cast<const std::uint64_t*>(p)[1] == canary(p);
  }
  void* fail(int err) noexcept;
  void trace_block(Ev ev, Path path, const void* p, std::uint64_t a, std::uint64_t b) noexcept;

  // tiny (allocator_tiny.h)
  void* tiny_alloc(unsigned cls) noexcept;
  static void* pop_front(FrontCache& f) noexcept;
  void count_front_hit(std::size_t cls) noexcept {
    tel_.tiny_class.alloc_hit[cls].inc();
    tel_.unified_cache.hits.inc();
    tel_.unified_cache.class_hits[cls].inc();
  }
  void* tiny_alloc_slow(unsigned cls) noexcept;
  void tiny_free(void* p, SuperslabHeader* ss) noexcept;
  [[gnu::noinline]] void tiny_free_checked(void* p, SuperslabHeader* ss, const Slab* s) noexcept;
  [[gnu::noinline]] void tiny_free_not_pool(void* p, SuperslabHeader* ss) noexcept;
  void tiny_free_valid(void* p, SuperslabHeader* ss, Slab* s) noexcept;
  [[gnu::noinline]] void free_uncached(void* p, SuperslabHeader* ss, const Slab* s, HeapT* h) noexcept;
  [[gnu::noinline]] void free_into_full_cache(HeapT* h, const Slab* s, void* p) noexcept;
  [[gnu::noinline]] void free_not_tiny(void* p, SuperslabHeader* ss) noexcept;
  Slab* validate_tiny(const void* p, SuperslabHeader* ss, const char* op) noexcept;
  Slab* validate_tiny_block(const void* p, SuperslabHeader* ss, const char* op) noexcept;
  [[gnu::noinline]] void front_overflow(HeapT* h, const Slab* s, void* freed) noexcept;
  void return_block(HeapT* h, void* p) noexcept;
  void return_blocks(HeapT* h, void* const* blocks, std::uint32_t n) noexcept;
  // remote frees (allocator_remote.h)
  HeapT* heap_for_remote_free() noexcept;
  void batch_remote(HeapT* h, HeapT* dest, void* p) noexcept;
  void flush_batch(HeapT* h) noexcept;
  template <class Sink>
  std::uint32_t drain_inbox(HeapT* h, Sink&& sink) noexcept;
  std::uint32_t drain_remote(HeapT* h) noexcept;
  std::uint32_t drain_remote_to_caches(HeapT* h) noexcept;
  void slab_free(HeapT* h, Slab* s, void* p) noexcept { slab_free_run(h, s, p, p, 1); }
  void slab_free_run(HeapT* h, Slab* s, void* head, void* tail, std::uint32_t n) noexcept;
  static std::uint32_t pop_free_list(Slab* s, std::uint32_t want, void** out, std::uint32_t n) noexcept;
  std::uint32_t take_slab_free(HeapT* h, unsigned cls, std::uint32_t want, void** out) noexcept;
  std::uint32_t take_slab_free_round(HeapT* h, unsigned cls, std::uint32_t want, void** out) noexcept;
  std::uint32_t refill_from_slabs(HeapT* h, unsigned cls, std::uint32_t want, void** out) noexcept;
  Slab* acquire_slab(HeapT* h, unsigned cls) noexcept;
  void release_slab(HeapT* h, Slab* s) noexcept;
  void flush_heap(HeapT* h) noexcept;
  std::uint32_t reserve_spill(unsigned cls, std::uint32_t want, std::uint32_t* len) noexcept;
  void wake_drainer() noexcept;
  void check_slab_lists(HeapT* h, unsigned c, std::uint8_t* on_lists, detail::CheckErrors& err) noexcept;
  void check_pool_records(SuperslabHeader* ss, unsigned c, detail::CheckErrors& err) noexcept;

  // arena (allocator_arena.h)
  bool reserve_arena() noexcept;
  SuperslabHeader* acquire_superslab(SsKind kind) noexcept;
  void release_superslab(SuperslabHeader* ss) noexcept;
  void purge_warm_superslabs(bool all) noexcept;  // under arena_lock_
  std::uintptr_t arena_top() const noexcept { return top_.load(std::memory_order_acquire); }

  // pool (allocator_pool.h)
  void* pool_alloc(unsigned pcls) noexcept;
  [[gnu::noinline]] void pool_free(void* p, SuperslabHeader* ss) noexcept;
  void pool_free_valid(void* p, unsigned pcls) noexcept;
  void pool_free_marked(HeapT* h, unsigned pcls, void* p) noexcept;
  void init_pool_records(SuperslabHeader* ss, unsigned pcls) noexcept;
  [[gnu::noinline]] void pool_free_uncached(HeapT* h, unsigned pcls, void* p) noexcept;
  void* pool_v1_alloc(unsigned pcls) noexcept;
  void pool_v1_free(unsigned pcls, void* const* blocks, std::uint32_t n) noexcept;  // n <= kPoolCacheMax
  [[gnu::noinline]] void* pool_v2_alloc(HeapT* h, unsigned pcls) noexcept;
  [[gnu::noinline]] void* pool_alloc_uncached(unsigned pcls) noexcept;
  [[gnu::noinline]] void* pool_cache_refill(HeapT* h, unsigned pcls) noexcept;  // traces its block
  void* pool_cache_refill_untraced(HeapT* h, unsigned pcls) noexcept;
  [[gnu::noinline]] void pool_cache_overflow(HeapT* h, unsigned pcls, void* p) noexcept;
  void* pop_pool_free(PoolClass& pcl) noexcept;
  void* take_pool_tail(PoolClass& pcl) noexcept;
  void push_pool_free(PoolClass& pcl, void* p) noexcept;
  void push_pool_purged(PoolClass& pcl, void* p) noexcept;
  void* pop_pool_purged(PoolClass& pcl) noexcept;
  void note_pool_block_taken(PoolClass& pcl, SuperslabHeader* ss) noexcept;
  void note_pool_block_freed(PoolClass& pcl, SuperslabHeader* ss) noexcept;
  std::uint32_t take_releasable_pool_superslabs(unsigned pc, SuperslabHeader** out) noexcept;
  void unlink_pool_superslab(PoolClass& pcl, SuperslabHeader* ss) noexcept;
  // A free pool block's words: link to the next (older) block, the canary, link to the newer.
  static void*& pool_link_next(void* p) noexcept { return static_cast<void**>(p)[0]; }
  static void*& pool_link_prev(void* p) noexcept { return static_cast<void**>(p)[2]; }
  // The pages a purge of pool block p drops: after the one holding its three words.
  static std::uintptr_t pool_purge_start(const void* p) noexcept {
    const std::uintptr_t page = OsLayer::page_size();
    return (reinterpret_cast<std::uintptr_t>(p) + 3 * sizeof(void*) + page - 1) & ~(page - 1);
  }
  static std::uintptr_t pool_purge_end(const void* p, std::size_t bs) noexcept {
    return (reinterpret_cast<std::uintptr_t>(p) + bs) & ~(OsLayer::page_size() - 1);
  }
  static std::size_t pool_purged_span(const void* p, std::size_t bs) noexcept {
    const std::uintptr_t start = pool_purge_start(p), end = pool_purge_end(p, bs);
    return start < end ? end - start : 0;
  }
  // Wholly free superslabs a pool free gives back to the arena at most (the rest wait for the
  // class's next free).
  static constexpr std::uint32_t kPoolReleaseBatch = 4;
  std::uint32_t pool_v1_take(unsigned pcls, void** out, std::uint32_t want) noexcept;
  std::uint32_t validate_pool(const void* p, SuperslabHeader* ss, const char* op) noexcept;

  // large (allocator_large.h)
  void* large_alloc(std::size_t size, std::size_t align, bool zeroed) noexcept;
  void large_free(void* p) noexcept;
  void* large_realloc(void* p, std::size_t size) noexcept;
  bool take_for_move(std::uintptr_t u) noexcept;
  void put_back_moved(std::uintptr_t u) noexcept;
  LargeHeader* validate_large(const void* p, const char* op) noexcept;
  [[noreturn]] void fatal_not_large(const char* op, const void* p) noexcept;
  void flush_large_cache() noexcept;
  std::uint64_t huge_now() const noexcept { return opt_.clock_ms ? opt_.clock_ms() : HugeCache<A>::kNoClock; }
  void give_large_range(const LargeHeader* hdr) noexcept;
  bool arena_realloc(LargeHeader* hdr, std::size_t bytes) noexcept;
  // A new OS mapping's name for the large cache: its first block's sequence, never kFreshOrigin.
  static std::uint64_t new_origin(std::uint64_t sequence) noexcept { return sequence + 1; }

  // routing
  void* alloc_beyond_tiny(std::size_t size) noexcept;
  std::size_t checked_usable_size(const void* p, const char* op) noexcept;
  Kind classify(const void* p, SuperslabHeader** ss) const noexcept;
  bool in_arena(const void* p) const noexcept {
    return reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(base_) <
           top_.load(std::memory_order_relaxed);
  }

  // heaps (allocator_heaps.h)
  HeapT* heap_or_attach() noexcept;
  HeapT* attach_heap() noexcept;
  void orphan(HeapT* h) noexcept;
  static void on_thread_exit(void* heap) noexcept;
  void mark_exited() noexcept;
  void start_drainer() noexcept;
  void stop_drainer() noexcept;
  static void os_observer(void* self, OsLayer::Call call, const void* p, std::size_t bytes, bool ok) noexcept;

  // ---- state ----
  Options opt_;
  OsLayer os_;
  std::uint64_t secret_;
  char* base_ = nullptr;           // arena: superslab i at base_ + i MiB
  void* reservation_ = nullptr;
  std::size_t reservation_bytes_ = 0;
  typename A::template Atomic<std::uintptr_t> top_{0};  // bytes of the arena in use
  SpinLock<A> arena_lock_;
  SuperslabHeader* free_superslabs_ = nullptr;  // free, data decommitted
  SuperslabHeader* warm_superslabs_ = nullptr;  // free, data committed; newest first
  std::uint32_t committed_free_ = 0;  // superslabs on the warm list

  SpillSlot spill_[kTinyClassCount];
  PoolClass pool_[kPoolClassCount];
  LargeRegistry<A, !Cfg::Quirks::kRegistryInsertUnlocked> large_;
  using LargeArenaT = LargeArena<A, typename Cfg::Quirks>;
  LargeArenaT large_arena_;    // blocks up to LargeArena::kMaxBlock
  LargeCache<A> large_cache_;  // mappings of bigger blocks, and of any the arena cannot place
  HugeCache<A> huge_cache_;    // mappings too big for the large cache, kept for the purge delay
  std::atomic<std::uint64_t> large_sequence_{0};

  SpinLock<A> heaps_lock_;
  HeapT* all_heaps_ = nullptr;
  HeapT* orphans_ = nullptr;
  std::uint32_t heap_count_ = 0;
  pthread_key_t exit_key_{};
  bool has_exit_key_ = false;

  std::atomic<bool> pool_v2_{false};
  typename A::template Atomic<std::uint32_t> drainer_wake_{0};
  typename A::template Atomic<std::uint32_t> drainer_stop_{0};
  std::atomic<bool> drainer_running_{false};
  pthread_t drainer_thread_{};

  Telemetry<kMask> tel_;
  [[no_unique_address]] TraceT trace_;
};

// ---------------------------------------------------------------------------------------------
// Hot paths
// ---------------------------------------------------------------------------------------------

template <class Cfg>
inline void* Allocator<Cfg>::malloc(std::size_t size) noexcept {
  if (HAKMEM_LIKELY(size <= kMaxTiny)) {
    const unsigned cls = tiny_class_of_small(size);
    void* p = tiny_alloc(cls);
    if constexpr (TraceT::kOn)
      if (p) trace_block(Ev::kAlloc, Path::kFront, p, size, kTinySizes[cls]);
    return p;
  }
  tel_.bad_class.no_tiny_class.inc();
  return alloc_beyond_tiny(size);
}

template <class Cfg>
inline void* Allocator<Cfg>::tiny_alloc(unsigned cls) noexcept {
  if (HeapT* h = heap(); HAKMEM_LIKELY(h != nullptr)) {
    if (void* p = pop_front(h->front[cls]); HAKMEM_LIKELY(p != nullptr)) {
      count_front_hit(cls);
      return p;
    }
  }
  return tiny_alloc_slow(cls);
}

// The newest block of front cache f, marked live; nullptr if the cache is empty.
template <class Cfg>
inline void* Allocator<Cfg>::pop_front(FrontCache& f) noexcept {
  const std::size_t n = f.count;
  if (HAKMEM_UNLIKELY(n == 0)) return nullptr;
  void* p = f.slots[n - 1];
  f.count = n - 1;
  mark_live(p);
  return p;
}

template <class Cfg>
inline void* Allocator<Cfg>::malloc_from_thread_cache(std::size_t size) noexcept {
  static_assert(kSingleInstance, "only one instance may be behind the thread's slot");
  static_assert(!TraceT::kOn, "a traced malloc goes through malloc(), which records it");
  auto* h = static_cast<HeapT*>(Ctx::template slot<Allocator>().heap);
  if (HAKMEM_UNLIKELY(h == nullptr)) return nullptr;
  // (The instance is loaded in each branch: loaded before the size test, it cost the tiny hit one
  // load where no counter is compiled in.)
  if (HAKMEM_LIKELY(size <= kMaxTiny)) {
    void* p = pop_front(h->front_at(tiny_front_offset_of_small(size)));
    if (HAKMEM_LIKELY(p != nullptr))  // the class is computed only where the counter is compiled in
      static_cast<Allocator*>(const_cast<void*>(h->instance))->count_front_hit(tiny_class_of_small(size));
    return p;
  }
  // A mid size: pool_alloc's cache hit, without malloc()'s call and the class routing before it.
  if (HAKMEM_UNLIKELY(size > kMaxPool)) return nullptr;
  auto* self = static_cast<Allocator*>(const_cast<void*>(h->instance));
  if (HAKMEM_UNLIKELY(self->pool_v2())) return nullptr;
  auto& c = h->pool_cache[pool_class_of(size)];
  const std::uint32_t n = c.count;
  if (HAKMEM_UNLIKELY(n == 0)) return nullptr;
  void* p = c.slots[n - 1];
  c.count = n - 1;
  mark_live(p);
  self->tel_.bad_class.no_tiny_class.inc();  // as malloc() counts it
  return p;
}

template <class Cfg>
inline bool Allocator<Cfg>::free_in_arena(void* p) noexcept {
  static_assert(kSingleInstance, "only a single-instance type has a process view");
  if (HAKMEM_UNLIKELY(reinterpret_cast<std::uintptr_t>(p) - process_.base >= process_.top.load(std::memory_order_relaxed)))
    return false;
  process_.self->tiny_free(p, superslab_of(p));  // pool blocks too: see tiny_free
  return true;
}

// The valid tiny free is straight-line code: the arena range test also sends NULL (far below the
// arena) off the fast path, and the superslab kind is read once.
template <class Cfg>
inline void Allocator<Cfg>::free(void* p) noexcept {
  if (HAKMEM_LIKELY(in_arena(p))) return tiny_free(p, superslab_of(p));  // pool blocks too: see tiny_free
  if (p == nullptr) return;
  tel_.hdr_mismatch.not_tiny.inc();
  large_free(p);
}

template <class Cfg>
void Allocator<Cfg>::free_not_tiny(void* p, SuperslabHeader* ss) noexcept {
  if (ss->kind != SsKind::kPool) fatal_bad_pointer("free", p, "not allocated by hakmem (released region)");
  tel_.hdr_mismatch.not_tiny.inc();
  pool_free(p, ss);
}

template <class Cfg>
inline typename Allocator<Cfg>::Kind Allocator<Cfg>::classify(const void* p,
                                                               SuperslabHeader** ss) const noexcept {
  if (in_arena(p)) {
    *ss = superslab_of(p);
    return (*ss)->kind == SsKind::kPool ? Kind::kPool : Kind::kTiny;  // kFree: tiny validation rejects it
  }
  *ss = nullptr;
  return Kind::kLarge;
}

// The free of a block in the arena, tiny or pool (a pool superslab's records describe its blocks
// as a tiny slab's do: see Slab::pool_class). Every check of a valid free in three compares on
// the slab record and the block: its offset from data_start is below carved_bytes (an address
// below data_start wraps around and fails too), it is a block start, and the block carries no
// free mark. Anything else takes tiny_free_checked, which names the failing check; a tail call,
// so the fast path keeps no stack frame. The first compare also stands for the superslab's kind:
// the slab records of a released superslab, as of an unassigned slab or a 64 KiB where no pool
// block starts, have no data (data_start kNoData, carved_bytes 0), so every pointer into one
// fails it.
template <class Cfg>
inline void Allocator<Cfg>::tiny_free(void* p, SuperslabHeader* ss) noexcept {
  Slab* s = slab_of(ss, p);
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - s->data_start;
  if (HAKMEM_UNLIKELY(off >= s->carved_bytes.load(std::memory_order_relaxed) || !s->divide(off).at_block_start ||
                      is_marked_free(p)))
    return tiny_free_checked(p, ss, s);
  tiny_free_valid(p, ss, s);
}

// A free that failed tiny_free's checks: the checks that name the failure, of a pool block (a
// class out of range, kNoClass or a corrupted record, takes the tiny ones, which read the header
// first). Each passes a valid block whose record was read before its carving reached it.
template <class Cfg>
void Allocator<Cfg>::tiny_free_checked(void* p, SuperslabHeader* ss, const Slab* s) noexcept {
  if (s->pool_class < kPoolClassCount) return pool_free(p, ss);
  tiny_free_not_pool(p, ss);
}

template <class Cfg>
void Allocator<Cfg>::tiny_free_not_pool(void* p, SuperslabHeader* ss) noexcept {
  if (ss->kind != SsKind::kTiny) return free_not_tiny(p, ss);
  // Returns only if every check passes on this second look (carved grew since the fast read).
  tiny_free_valid(p, ss, validate_tiny_block(p, ss, "free"));
}

// A valid block, tiny or pool, into the freeing thread's cache, on one path: its record names the
// cache (front_offset) and says whether a thread that is not the superslab's owner may keep it
// (freer_caches: pool blocks have no owner). The kind of block is read only where a counter or
// the trace needs it, so no branch depends on it (see PoolCache).
template <class Cfg>
inline void Allocator<Cfg>::tiny_free_valid(void* p, SuperslabHeader* ss, Slab* s) noexcept {
  const unsigned cls = s->cls;
  const bool pool = s->pool_class < kPoolClassCount;  // read only by counters and the trace
  if (pool) {
    tel_.hdr_mismatch.not_tiny.inc();
  } else {
    tel_.hdr_meta_fast.fast_lookups.inc();
    if (cls == kTinyClassCount - 1) tel_.c7.frees.inc();
  }
  mark_free(p);
  HeapT* h = heap();
  // Out of line: another heap's tiny block, or a pool block freed by a thread without a heap. A
  // tiny superslab's owner is never null and a pool superslab's always is, so one compare of the
  // owner with h, against freer_caches, tells both. (Pool v2 is the always-full NoCache.)
  const auto not_owner = static_cast<std::uint8_t>(ss->owner != h);
  if (HAKMEM_UNLIKELY(not_owner != s->freer_caches.load(std::memory_order_relaxed))) return free_uncached(p, ss, s, h);
  auto& f = h->front_at(Cfg::Quirks::kFreeIntoFirstClassCache ? 0 : s->front_offset.load(std::memory_order_relaxed));
  const std::size_t n = f.count;
  if (HAKMEM_UNLIKELY(n == f.capacity)) return free_into_full_cache(h, s, p);
  if constexpr (TraceT::kOn) trace_block(Ev::kFree, pool ? Path::kPoolV1 : Path::kFront, p, 0, 0);
  f.slots[n] = p;
  f.count = n + 1;
  if (!pool) tel_.tiny_class.free_hit[cls].inc();
}

// tiny_free_valid's block p (marked free) when the thread may not cache it. A thread without a
// heap gets one first (heap_for_remote_free). Then a pool block goes to the thread's pool cache
// (to its class without a heap: an exited thread); a tiny block back to its owner, through this
// thread's batch (pushed alone without a heap).
template <class Cfg>
void Allocator<Cfg>::free_uncached(void* p, SuperslabHeader* ss, const Slab* s, HeapT* h) noexcept {
  if (!h && (h = heap_for_remote_free()) != nullptr && ss->owner == h) {  // adopted the block's owner
    if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kSlab, p, 0, 0);
    return slab_free(h, slab_of(ss, p), p);
  }
  if (s->pool_class < kPoolClassCount) return pool_free_marked(h, s->pool_class, p);
  tel_.hdr_meta_mismatch.owner_mismatch.inc();
  if constexpr (TraceT::kOn) trace_block(Ev::kRemotePush, Path::kRemote, p, 0, 0);
  auto* owner = static_cast<HeapT*>(ss->owner);
  if (h) return batch_remote(h, owner, p);
  owner->remote.push(p);
}

// tiny_free_valid's block p (marked free) when its cache is full (always, for a pool block with v2
// on: pool_free_marked routes it to the hotbox).
template <class Cfg>
void Allocator<Cfg>::free_into_full_cache(HeapT* h, const Slab* s, void* p) noexcept {
  if (s->pool_class < kPoolClassCount) return pool_free_marked(h, s->pool_class, p);  // traces it
  if constexpr (TraceT::kOn) trace_block(Ev::kFree, Path::kFront, p, 0, 0);
  front_overflow(h, s, p);  // reads s->cls itself
}

template <class Cfg>
inline Slab* Allocator<Cfg>::validate_tiny(const void* p, SuperslabHeader* ss, const char* op) noexcept {
  if (HAKMEM_UNLIKELY(ss->kind != SsKind::kTiny))
    fatal_bad_pointer(op, p, "not allocated by hakmem (released region)");
  return validate_tiny_block(p, ss, op);
}

// Every check of a pointer into a tiny superslab, in the order that names the first failure.
template <class Cfg>
Slab* Allocator<Cfg>::validate_tiny_block(const void* p, SuperslabHeader* ss, const char* op) noexcept {
  const std::uintptr_t addr = reinterpret_cast<std::uintptr_t>(p);
  Slab* s = slab_of(ss, p);
  if (HAKMEM_UNLIKELY(addr < s->data_start)) fatal_bad_pointer(op, p, "not allocated by hakmem (no block there)");
  const Slab::Division d = s->divide(addr - s->data_start);  // below kSlabSize: p is in this slab
  if (HAKMEM_UNLIKELY(!d.at_block_start)) fatal_bad_pointer(op, p, "interior pointer (not the start of a block)");
  if (HAKMEM_UNLIKELY(d.index >= s->carved.load(std::memory_order_relaxed)))
    fatal_bad_pointer(op, p, "not allocated by hakmem (block never handed out)");
  if (HAKMEM_UNLIKELY(is_marked_free(p))) fatal_bad_pointer(op, p, "double free (block is already free)");
  return s;
}

}  // namespace hakmem

#include "hakmem/core/allocator_arena.h"
#include "hakmem/core/allocator_check.h"
#include "hakmem/core/allocator_heaps.h"
#include "hakmem/core/allocator_large.h"
#include "hakmem/core/allocator_pool.h"
#include "hakmem/core/allocator_tiny.h"
#include "hakmem/core/allocator_remote.h"
#include "hakmem/core/allocator_api.h"
