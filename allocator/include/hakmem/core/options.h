// Run-time options of an allocator instance. The production instance reads them from the
// environment (Options::from_env, which rejects malformed values with a fatal error); tests
// set them directly.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hakmem {

inline constexpr std::uint32_t kProductionSuperslabCache = 16;

// CLOCK_MONOTONIC_COARSE in milliseconds: a vDSO read, no system call.
std::uint64_t monotonic_coarse_ms() noexcept;

struct Options {
  std::size_t arena_bytes = std::size_t{32} << 30;  // address space for superslabs (<= 64 GiB)
  // Flow-control target per class. Small on purpose: a spilled block may next go to another
  // thread, which then frees it remotely (numbers in docs/architecture.md, "flow control").
  std::uint32_t spill_target = 32;
  bool bg_spill = false;                            // start the background drainer thread
  bool pool_v2 = false;                             // route mid-size through the v2 hotbox
  bool stats_dump = false;                          // dump telemetry at exit (production)
  // Free superslabs kept committed ("warm") for reuse, their pages still faulted in: at most this
  // many, and with a clock each for at most purge_delay_ms after its release (checked at the
  // arena's next acquire or release; quiesce() decommits them all). A thread that hands batches to
  // another empties and refills superslabs all the time: with 2 kept, bench_prodcons --batch 1000
  // took 23-37k page faults a run, with 16 about 5k (as mimalloc) and ran 1.2x faster.
  std::uint32_t superslab_cache = 2;
  // Milliseconds on a monotonic clock, or nullptr: no time, so warm superslabs leave only by the
  // count above or quiesce(). Tests and the checker keep it null (or inject their own) so that
  // every run decides alike; production uses a coarse monotonic clock.
  std::uint64_t (*clock_ms)() noexcept = nullptr;
  std::uint32_t purge_delay_ms = 1000;  // also how long the huge cache keeps a mapping (huge_cache.h)
  // First size of the large-block registry (a power of two). Not read from the environment:
  // tests shrink it so a few blocks reach the table's growth, a path that meets OS failures.
  std::size_t large_registry_slots = 512;
  // Free bytes a pool class keeps resident at least (pool_v1_free: past this and past what the
  // class has in use, its oldest free blocks are purged). Not read from the environment: the
  // checker's purge scenario shrinks it to one block so two frees reach the purge. 2 MiB for
  // each of the 28 classes: the 56 MiB that 4 MiB for each of the 14 classes before them kept.
  std::size_t pool_keep_free_bytes = std::size_t{2} << 20;
  // Whether a pool class gives its wholly free superslabs back to the arena while it keeps
  // more free than the keep above. Not read from the environment: the purge test turns it off
  // to see the purge alone.
  bool pool_release = true;
  // Whether large blocks up to LargeArena::kMaxBlock come from the large arena's chunks (free
  // ranges join whatever blocks they came from) rather than a mapping each. Not read from the
  // environment: the large cache's tests turn it off to reach the cache.
  bool large_arena = true;
  // Free bytes of each pool class a thread keeps in its pool v1 cache at first (at most
  // kPoolCacheMax blocks; 0 turns the caches off). The caches of classes the thread trades both
  // ways grow by kPoolGrowthBudget times this in all. With them a mid-size malloc or free takes
  // its class lock once per half a cache, not every time.
  std::size_t pool_cache_bytes = std::size_t{128} << 10;
  // Front caches start at kFrontCapacity / this and grow to kFrontCapacityMax / this (a power of
  // two, 1..8). Not read from the environment: op-sequence tests divide by 2 so their short
  // sequences of 64 slots overflow caches, and reach flow-control decisions, as often as before
  // the caches grew.
  std::uint32_t front_capacity_divisor = 1;

  // HAKMEM_BG_SPILL, HAKMEM_BG_SPILL_TARGET, HAKMEM_POOL_V2_ENABLED, HAKMEM_POOL_CACHE_BYTES,
  // HAKMEM_STATS_DUMP, HAKMEM_SUPERSLAB_CACHE, HAKMEM_PURGE_DELAY_MS; production's clock and
  // superslab cache (kProductionSuperslabCache).
  static Options from_env() noexcept;
  // Parses one variable's value; false if malformed. Exposed for tests.
  static bool parse_bool(const char* s, bool* out) noexcept;
  static bool parse_uint(const char* s, std::uint64_t lo, std::uint64_t hi, std::uint64_t* out) noexcept;
};

}  // namespace hakmem
