// A heap: the allocator state of one logical thread. Heaps are never freed while their
// instance lives: when a thread exits its heap is flushed and orphaned, and the next new thread
// adopts it (with its superslabs and whatever remote frees arrived meanwhile). So a block's
// owner (superslab -> heap) never dangles and remote frees never need the owner to be alive.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "hakmem/core/remote_inbox.h"
#include "hakmem/core/size_classes.h"
#include "hakmem/core/superslab.h"

namespace hakmem {

inline constexpr std::uint32_t kHotboxCapacity = 8;  // pool v2 blocks kept per class
inline constexpr std::uint32_t kRemoteBatch = 64;   // remote frees gathered before one push
inline constexpr std::uint32_t kRemoteLanes = 8;    // chains a batch deals its blocks to (see RemoteBatch)
inline constexpr std::uint32_t kDrainDepth = 64;    // blocks per inbox way in one window of a drain
inline constexpr std::uint32_t kHotboxRefill = 4;
inline constexpr std::uint32_t kPoolCacheMax = 16;  // pool v1 blocks a thread keeps per class, at most
// What a thread's pool caches may grow by, together, in units of Options::pool_cache_bytes (2 MiB
// at the default): the classes it trades share it, first come first served.
inline constexpr std::uint32_t kPoolGrowthBudget = 16;
inline constexpr unsigned kWalkWays = 4;  // slab free lists a tiny refill walks side by side

// How many free blocks of pool class pc a thread keeps: as many as fit in `bytes`, at most
// kPoolCacheMax and at least two, so that the biggest classes batch too (bytes 0: no cache,
// every free and malloc takes its class lock). A cache starts there and may grow (see PoolCache).
constexpr std::uint32_t pool_cache_capacity(unsigned pc, std::size_t bytes) noexcept {
  if (bytes == 0) return 0;
  const std::size_t n = bytes / kPoolSizes[pc];
  return n < 2 ? 2 : n < kPoolCacheMax ? static_cast<std::uint32_t>(n) : kPoolCacheMax;
}

// The unified cache of one tiny class: a LIFO of free blocks, slots[0..count). The count sits
// just before the slots, so the hit paths address both from one pointer (slot n - 1 is at byte
// 8n + 8), and that pointer is the heap's plus a byte offset the hit paths load ready-made: malloc
// from kTinyFrontOffset, free from its slab record. Counts apart from the slots, indexed by class,
// cost malloc's hit 2 and free's 4 more instructions.
struct FrontCache {
  std::size_t count = 0;  // words, as the slot index they are: no zero-extending copy
  std::size_t capacity = 0;
  void* slots[kMaxFrontCapacity];
};

// Where class `cls`'s cache sits in Heap::front, in 8-byte words: 16 bits reach 512 KiB of caches
// (2048 slots per class), and the hit paths scale the word index inside their address computation.
constexpr std::uint16_t front_offset_of(unsigned cls) noexcept {
  return static_cast<std::uint16_t>(cls * (sizeof(FrontCache) / sizeof(void*)));
}
static_assert(sizeof(FrontCache) % sizeof(void*) == 0, "offsets count words");
static_assert(front_offset_of(kTinyClassCount - 1) == (kTinyClassCount - 1) * sizeof(FrontCache) / sizeof(void*),
              "fits 16 bits");

// Pool v1's thread cache of one mid-size class: free blocks (marked free, so a second free of
// one aborts), LIFO, slots[0..count) with the oldest at 0. Misses take half the capacity from
// the class in one lock; a free into a full cache gives the older half back in one lock. As the
// tiny front caches do, a cache doubles at an overflow that follows a refill (the thread trades
// blocks of the class both ways), up to kPoolCacheMax, paying the added blocks' bytes out of the
// heap's pool_growth_left; a thread that only frees, or only allocates, keeps the first capacity.
// Shaped as a FrontCache up to its slots, and laid out right after the tiny caches, so that a
// free pushes a pool block exactly as a tiny one, at the word offset its slab record holds: one
// path for both, with no branch on the kind of block (a branch taken at random when a program
// frees tiny and mid sizes mixed: glibc's bench-malloc-thread ran at 0.66x tcmalloc's speed).
struct PoolCache {
  std::size_t count = 0;
  std::size_t capacity = 0;
  void* slots[kPoolCacheMax];
  bool refilled = false;  // since the last overflow
};
static_assert(offsetof(PoolCache, count) == offsetof(FrontCache, count) &&
                  offsetof(PoolCache, capacity) == offsetof(FrontCache, capacity) &&
                  offsetof(PoolCache, slots) == offsetof(FrontCache, slots),
              "a free pushes into either cache through the same offsets");
static_assert(sizeof(PoolCache) % sizeof(void*) == 0, "offsets count words");

// Where pool class pc's cache sits, in words from Heap::front (Heap checks the layout).
constexpr std::uint16_t pool_front_offset_of(unsigned pc) noexcept {
  return static_cast<std::uint16_t>((kTinyClassCount * sizeof(FrontCache) + pc * sizeof(PoolCache)) / sizeof(void*));
}
// A cache that is always full (count == capacity == 0), right after the pool caches: with pool
// v2 on, the pool's slab records name it, so their frees take the slow path to the hotbox.
struct NoCache {
  std::size_t count = 0;
  const std::size_t capacity = 0;
};
inline constexpr std::uint16_t kNoCacheOffset = pool_front_offset_of(kPoolClassCount);
static_assert(offsetof(NoCache, capacity) == offsetof(FrontCache, capacity), "free reads its capacity as a cache's");
static_assert(kTinyClassCount * sizeof(FrontCache) + kPoolClassCount * sizeof(PoolCache) + sizeof(NoCache) <
                  (std::size_t{1} << 16) * sizeof(void*),
              "the pool caches' offsets fit 16 bits");

namespace detail {
constexpr std::array<std::uint16_t, kTinyTable.size()> make_front_offset_table() {
  std::array<std::uint16_t, kTinyTable.size()> t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = front_offset_of(kTinyTable[i]);
  return t;
}
inline constexpr auto kTinyFrontOffset = make_front_offset_table();
}  // namespace detail

// front_offset_of(tiny_class_of_small(size)) in one table load.
inline std::uint32_t tiny_front_offset_of_small(std::size_t size) noexcept {
  return detail::kTinyFrontOffset[(size + 15) >> 4];
}

template <class A>
struct Heap {
  using Front = FrontCache;
  struct ClassSlabs {
    Slab* current = nullptr;  // the slab refills take from first
    Slab* partial = nullptr;  // other slabs with free blocks (doubly linked)
    std::uint32_t next_colour = 0;  // of the class's next slab (see tiny_slab_colours)
    // Takes s, which is on the partial list, off it.
    void unlink_partial(Slab* s) noexcept {
      if (s->prev) s->prev->next = s->next; else partial = s->next;
      if (s->next) s->next->prev = s->prev;
      s->prev = s->next = nullptr;
      s->listed = false;
    }
  };
  // Remote frees to one heap, gathered by the freeing thread: a thread that frees many blocks
  // of another (larson's lanes, consumers) pushes to the owner's inbox once per lane and
  // kRemoteBatch blocks instead of once per block. The blocks are dealt to kRemoteLanes chains in
  // turn, and each chain goes onto its own way of the inbox, so the owner's drain walks one
  // batch's chains side by side (see allocator_remote.h). Blocks here are in transit.
  struct RemoteBatch {
    Heap* dest = nullptr;
    void* first[kRemoteLanes] = {};  // linked through the remote list's link cells
    void* last[kRemoteLanes] = {};
    std::uint32_t count = 0;
  };
  struct Hotbox {  // pool v2: per-thread blocks of one mid-size class
    std::uint32_t count = 0;
    void* slots[kHotboxCapacity];
  };
  Front front[kTinyClassCount];
  PoolCache pool_cache[kPoolClassCount];  // right after front: see pool_front_offset_of
  NoCache no_cache;                         // right after pool_cache: see kNoCacheOffset
  bool refilled[kTinyClassCount] = {};  // a refill since the class's last overflow
  RemoteBatch batch;
  ClassSlabs slabs[kTinyClassCount];
  Hotbox hot[kPoolClassCount];
  std::size_t pool_growth_left = 0;   // bytes the pool caches may still grow by (see PoolCache)
  std::size_t front_growth_left = 0;  // bytes of blocks the front caches may still grow by
  SuperslabHeader* superslabs = nullptr;  // tiny superslabs this heap owns
  const void* instance = nullptr;
  Heap* next_all = nullptr;     // every heap of the instance
  Heap* next_orphan = nullptr;  // orphan list
  bool orphaned = false;
  bool retired = false;  // owned by a thread that a fork() left behind: never adopted
  std::uint32_t id = 0;
  std::uint32_t map_bytes = 0;
  std::uint32_t batch_way = 0;  // the inbox way this heap's next remote batch goes to
  // Other threads push here; keep it off the owner's hot cache lines.
  alignas(64) RemoteInbox<A> remote;

  Front& front_at(std::uint32_t word_offset) noexcept {
    return *reinterpret_cast<Front*>(reinterpret_cast<void**>(front) + word_offset);
  }

  explicit Heap(std::uint32_t capacity_divisor = 1, std::size_t pool_cache_bytes = 0) noexcept {
    for (unsigned c = 0; c < kTinyClassCount; ++c) front[c].capacity = kFrontCapacity[c] / capacity_divisor;
    static_assert(offsetof(Heap, pool_cache) == offsetof(Heap, front) + sizeof(front), "see pool_front_offset_of");
    static_assert(offsetof(Heap, no_cache) == offsetof(Heap, pool_cache) + sizeof(pool_cache), "see kNoCacheOffset");
    for (unsigned c = 0; c < kPoolClassCount; ++c) pool_cache[c].capacity = pool_cache_capacity(c, pool_cache_bytes);
    pool_growth_left = kPoolGrowthBudget * pool_cache_bytes;
    front_growth_left = kFrontGrowthBytes / capacity_divisor;
  }
};

}  // namespace hakmem
