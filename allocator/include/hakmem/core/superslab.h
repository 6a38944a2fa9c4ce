// Superslab layout. The arena is one reservation cut into 1 MiB superslabs, each aligned to
// its size, so a block's superslab is its address with the low 20 bits cleared: O(1) from any
// pointer. The first 4 KiB of a superslab hold this header and stay committed for the arena's
// life, so the header of any superslab below the arena top is always readable (free() can
// validate any pointer into the arena without faulting).
//
// Tiny superslabs are split into 16 slabs of 64 KiB, each of one size class; pool superslabs
// hold blocks of one mid-size class.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "hakmem/core/size_classes.h"

namespace hakmem {

inline constexpr unsigned kSuperslabShift = 20;
inline constexpr std::size_t kSuperslabSize = std::size_t{1} << kSuperslabShift;
inline constexpr unsigned kSlabShift = 16;
inline constexpr std::size_t kSlabSize = std::size_t{1} << kSlabShift;
inline constexpr unsigned kSlabsPerSuperslab = kSuperslabSize / kSlabSize;
inline constexpr std::size_t kHeaderBytes = 4096;
inline constexpr std::uint64_t kSuperslabMagic = 0x48414b4d454d5353ull;  // "HAKMEMSS"

enum class SsKind : std::uint8_t { kFree = 0, kTiny = 1, kPool = 2 };

// One slab. Fields marked (owner) are touched only by the heap that owns the superslab (its
// thread, or whoever holds the orphaned heap). Shape fields are written before any block of the
// slab is handed out and stay fixed while a block is live, so any thread that holds a block may
// read them. `carved` and `carved_bytes` are read by validating frees from other threads, hence
// atomic. One record is one cache line: a free reads nothing else of the slab.
struct Slab {
  static constexpr std::uintptr_t kNoData = ~std::uintptr_t{0};

  // shape
  std::uint8_t cls = kNoClass;
  std::uint8_t index = 0;
  // Where free finds the block's cache, in words from Heap::front: front_offset_of(cls) in a tiny
  // slab's record; in a pool superslab's, the class's pool cache (pool_front_offset_of) or, with
  // pool v2 on, the always-full kNoCacheOffset (set_pool_v2 rewrites it while frees read it).
  std::atomic<std::uint16_t> front_offset{0};
  std::uint32_t block_size = 0;
  std::uint32_t reciprocal = 0;  // ceil(2^32 / block_size): exact division for offsets < 2^17
  std::uint16_t capacity = 0;    // a tiny slab's blocks (<= kSlabSize / 16)
  // 1 in the records of a pool superslab: the pool has no owners, so whichever thread frees a
  // block caches it; 0 in a tiny or free superslab's: a block goes back to its owner's cache.
  std::atomic<std::uint8_t> freer_caches{0};
  std::uintptr_t data_start = kNoData;  // kNoData while the slab has no class
  // state
  std::atomic<std::uint32_t> carved{0};  // blocks ever cut from the bump region
  std::uint32_t free_count = 0;          // (owner) blocks on free_list
  void* free_list = nullptr;             // (owner) linked through the block's first word
  Slab* prev = nullptr;                  // (owner) links in the heap's partial list
  Slab* next = nullptr;
  // carved * block_size: a free's offset from data_start is below it exactly when it points
  // into a block that was handed out, so one compare replaces two.
  std::atomic<std::uint32_t> carved_bytes{0};
  std::uint16_t check_transit = 0;  // scratch of the heap check (quiescent only; <= capacity)
  bool listed = false;              // (owner) on the partial list or the current slab
  // In a pool superslab every record describes the blocks that start in its 64 KiB as a tiny
  // slab's record does its own: data_start the first of them (kNoData if none starts there),
  // block_size and reciprocal the class's, carved / carved_bytes how many of them were handed
  // out, front_offset the class's pool cache, freer_caches 1. So free validates and caches
  // a pool block with the tiny block's code, reading this one line (the header's first line, all
  // superslabs' on one cache set, was a second miss per pool free; a separate pool path was a
  // branch that mispredicts when a program frees tiny and mid sizes mixed). pool_class names the
  // class; kNoClass in every record of a tiny or free superslab (cls is kNoClass in a pool's).
  std::uint8_t pool_class = kNoClass;

  void set_carved(std::uint32_t n) noexcept {
    carved.store(n, std::memory_order_relaxed);
    carved_bytes.store(n * block_size, std::memory_order_relaxed);
  }

  std::uint32_t index_of(std::uintptr_t offset) const noexcept {
    return static_cast<std::uint32_t>((std::uint64_t{offset} * reciprocal) >> 32);
  }
  // One multiply answers both questions free asks of an offset below kSlabSize: the high half
  // of offset * reciprocal is the block index, and the low half is below `reciprocal` exactly
  // when the offset is a block start (exact_division_holds proves it for every tiny class).
  struct Division {
    std::uint32_t index;
    bool at_block_start;
  };
  Division divide(std::uintptr_t offset) const noexcept {
    const std::uint64_t prod = std::uint64_t{offset} * reciprocal;
    return {static_cast<std::uint32_t>(prod >> 32), static_cast<std::uint32_t>(prod) < reciprocal};
  }
};

struct SuperslabHeader {
  std::uint64_t magic = kSuperslabMagic;
  SsKind kind = SsKind::kFree;
  std::uint8_t pool_class = kNoClass;
  std::uint16_t slabs_used = 0;         // (owner) assigned tiny slabs
  bool data_committed = true;           // false while free with its data decommitted
  std::uint32_t region = 0;             // index in the arena: the trace names blocks by it
  void* owner = nullptr;                // the Heap of a tiny superslab
  SuperslabHeader* prev = nullptr;      // links in the owner's list or the arena's free list
  SuperslabHeader* next = nullptr;
  // pool superslabs
  std::uint32_t pool_block_size = 0;
  std::uint32_t pool_reciprocal = 0;
  std::uint32_t pool_capacity = 0;
  std::atomic<std::uint32_t> pool_carved{0};  // written under the pool class lock; read by frees
  Slab slab_records[kSlabsPerSuperslab];  // at offset 64: each record on a cache line of its own
  // Under the pool class lock: its blocks on the class's resident and purged free lists (a
  // block being purged outside the lock is on neither), the bytes those purges dropped, and its
  // links in the class's list of wholly free superslabs (empty_listed: it is on that list).
  std::uint32_t pool_free = 0;
  std::uint32_t pool_purged = 0;
  std::size_t pool_purged_bytes = 0;
  SuperslabHeader* empty_prev = nullptr;
  SuperslabHeader* empty_next = nullptr;
  bool empty_listed = false;
  std::uint32_t check_listed = 0;  // scratch of the heap check (quiescent only)
  std::uint64_t released_ms = 0;   // when it went on the arena's warm list (Options::clock_ms)

  std::span<Slab, kSlabsPerSuperslab> slabs() noexcept { return slab_records; }
};
static_assert(sizeof(SuperslabHeader) <= kHeaderBytes, "superslab header fits its page");
static_assert(offsetof(SuperslabHeader, slab_records) % 64 == 0, "slab records start on a cache line");

// The slab record a pool block of index i (block size bs) starts in.
constexpr unsigned pool_record_of(std::uint32_t i, std::uint32_t bs) noexcept {
  return static_cast<unsigned>((kHeaderBytes + std::size_t{i} * bs) >> kSlabShift);
}

// The index of the first pool block (block size bs) that starts in slab k or later.
constexpr std::uint32_t pool_first_block_of(unsigned k, std::uint32_t bs) noexcept {
  const std::size_t start = std::size_t{k} * kSlabSize;
  return start <= kHeaderBytes ? 0 : static_cast<std::uint32_t>((start - kHeaderBytes + bs - 1) / bs);
}

constexpr std::uint32_t reciprocal_of(std::uint32_t size) noexcept {
  return static_cast<std::uint32_t>(((std::uint64_t{1} << 32) + size - 1) / size);
}

// Slab::divide is exact for block size `bs` when the rounding error e = bs * r - 2^32 of its
// reciprocal r, summed over every block of a slab, stays below r: then a block start k*bs has
// low half k*e < r, and a non-start k*bs + j (0 < j < bs) has low half k*e + j*r in [r, 2^32).
// (size_classes_test checks every offset of every class by brute force as well.)
constexpr bool exact_division_holds(std::uint32_t bs) noexcept {
  const std::uint64_t r = reciprocal_of(bs);
  const std::uint64_t e = bs * r - (std::uint64_t{1} << 32);
  const std::uint64_t blocks = kSlabSize / bs;
  return (blocks + 1) * e < r;
}
static_assert([] {
  for (std::uint32_t bs : kTinySizes)
    if (!exact_division_holds(bs)) return false;
  return true;
}(), "a tiny class whose block starts one multiply cannot tell");

inline SuperslabHeader* superslab_of(const void* p) noexcept {
  return reinterpret_cast<SuperslabHeader*>(reinterpret_cast<std::uintptr_t>(p) &
                                            ~(kSuperslabSize - 1));
}

// The slab of superslab `ss` that address p falls in.
// Shift and mask straight to the record's byte offset: Slab is one cache line.
inline Slab* slab_of(SuperslabHeader* ss, const void* p) noexcept {
  static_assert(sizeof(Slab) == 64, "slab_of indexes records by shifting the address");
  const std::uintptr_t byte = (reinterpret_cast<std::uintptr_t>(p) >> (kSlabShift - 6)) & ((kSlabsPerSuperslab - 1) << 6);
  return reinterpret_cast<Slab*>(reinterpret_cast<char*>(ss->slab_records) + byte);
}

}  // namespace hakmem
