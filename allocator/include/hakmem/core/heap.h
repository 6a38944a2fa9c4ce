// A heap: the allocator state of one logical thread. Heaps are never freed while their
// instance lives: when a thread exits its heap is flushed and orphaned, and the next new thread
// adopts it (with its superslabs and whatever remote frees arrived meanwhile). So a block's
// owner (superslab -> heap) never dangles and remote frees never need the owner to be alive.
#pragma once
#include <cstdint>

#include "hakmem/core/remote_list.h"
#include "hakmem/core/size_classes.h"
#include "hakmem/core/superslab.h"

namespace hakmem {

inline constexpr std::uint32_t kHotboxCapacity = 8;  // pool v2 blocks kept per class
inline constexpr std::uint32_t kRemoteBatch = 64;   // remote frees gathered before one push
inline constexpr std::uint32_t kHotboxRefill = 4;

template <class A>
struct Heap {
  // The unified cache of one tiny class: a LIFO of free blocks, cached[cls][0..count). The
  // eight counts and capacities share one cache line, so a hit touches it and one slot.
  struct Front {
    std::uint32_t count = 0;
    std::uint32_t capacity = 0;
  };
  struct ClassSlabs {
    Slab* current = nullptr;  // the slab refills take from first
    Slab* partial = nullptr;  // other slabs with free blocks (doubly linked)
  };
  // Remote frees to one heap, gathered by the freeing thread and pushed as one chain: a thread
  // that frees many blocks of another (larson's lanes, consumers) makes one CAS on the owner's
  // list per kRemoteBatch blocks instead of one per block. Blocks here are in transit.
  struct RemoteBatch {
    Heap* dest = nullptr;
    void* first = nullptr;  // linked through the remote list's link cells
    void* last = nullptr;
    std::uint32_t count = 0;
  };
  struct Hotbox {  // pool v2: per-thread blocks of one mid-size class
    std::uint32_t count = 0;
    void* slots[kHotboxCapacity];
  };

  Front front[kTinyClassCount];
  void* cached[kTinyClassCount][kMaxFrontCapacity];
  bool refilled[kTinyClassCount] = {};  // a refill since the class's last overflow
  RemoteBatch batch;
  ClassSlabs slabs[kTinyClassCount];
  Hotbox hot[kPoolClassCount];
  SuperslabHeader* superslabs = nullptr;  // tiny superslabs this heap owns
  const void* instance = nullptr;
  Heap* next_all = nullptr;     // every heap of the instance
  Heap* next_orphan = nullptr;  // orphan list
  bool orphaned = false;
  bool retired = false;  // owned by a thread that a fork() left behind: never adopted
  std::uint32_t id = 0;
  std::uint32_t map_bytes = 0;
  // Other threads push here; keep it off the owner's hot cache lines.
  alignas(64) RemoteList<A> remote;

  explicit Heap(std::uint32_t capacity_divisor = 1) noexcept {
    for (unsigned c = 0; c < kTinyClassCount; ++c) front[c].capacity = kFrontCapacity[c] / capacity_divisor;
  }
};

}  // namespace hakmem
