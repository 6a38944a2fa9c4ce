// Every live block's address range, so a block handed out twice or overlapping another live
// block is caught the moment it is handed out, not when some later check trips over it.
//
// Sharded interval map: the address space is cut into 64 KiB granules, each hashed to one of
// 256 shards; a range is recorded in every shard one of its granules maps to. Two overlapping
// ranges share a granule, hence a shard, and that shard's lock orders their insertions, so the
// second one always sees the first. Within a shard ranges never overlap, so checking the two
// neighbours of a new range suffices. Nodes come from mmap (tool_memory.h), never malloc.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory_resource>
#include <mutex>

#include "block.h"

namespace stress {

struct LiveEntry {
  uintptr_t end_usable = 0;
  uintptr_t end_size = 0;
  uint64_t id = 0;
  uint32_t owner = 0;
};

// What a new block ran into.
struct Clash {
  uintptr_t start = 0;
  LiveEntry other;
  bool requested_overlap = false;  // the requested bytes overlap too (not just usable tails)
};

class LiveRanges {
 public:
  LiveRanges();
  ~LiveRanges();
  LiveRanges(const LiveRanges&) = delete;
  LiveRanges& operator=(const LiveRanges&) = delete;

  // Records b's range [p, p + max(usable, size)). On overlap records nothing, fills *clash
  // and returns false.
  bool insert(const Block& b, Clash* clash);
  // Forgets b; false if b was not recorded (a tool bug or wild corruption).
  bool erase(const Block& b);
  // Number of recorded blocks (exact only when no thread is inserting or erasing).
  std::size_t count() const;

 private:
  static constexpr unsigned kShardBits = 8;
  static constexpr unsigned kShards = 1u << kShardBits;
  static constexpr unsigned kGranuleShift = 16;

  struct alignas(64) Shard {
    std::mutex mu;
    std::pmr::unsynchronized_pool_resource pool;
    std::pmr::map<uintptr_t, LiveEntry> map;
    Shard();
  };
  struct ShardSet {
    uint64_t bits[kShards / 64] = {};
  };

  static ShardSet shards_of(uintptr_t start, uintptr_t end);
  Shard* shards_;
};

}  // namespace stress
