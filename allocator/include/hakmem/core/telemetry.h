// Telemetry counters: write-only to allocator code.
//
// A Counter can only be incremented. Its value is private; the one reader is StatsReader
// (stats.h), which the stats API uses. So allocator code cannot base a decision on a telemetry
// value: the compiler refuses (tests/compile_fail checks that). A value that flow control needs
// is a correctness atomic of its own box, with no flag (the seed's Phase 28 lesson).
//
// With the counter's flag out of the mask the counter has no storage and inc() has no code.
// Telemetry uses std::atomic directly, never the atomic policy: under the interleaving checker
// counters are not scheduling points, so compiling them in or out cannot change a schedule.
#pragma once
#include <atomic>
#include <cstdint>
#include <type_traits>

#include "hakmem/core/telemetry_flags.h"

namespace hakmem {

class StatsReader;

template <std::uint32_t Mask, Flag F>
class Counter {
 public:
  static constexpr bool kCompiled = (Mask & flag_bit(F)) != 0;
  static constexpr Flag kFlag = F;

  void inc(std::uint64_t n = 1) noexcept {
    if constexpr (kCompiled) value_.fetch_add(n, std::memory_order_relaxed);
  }

 private:
  friend class StatsReader;
  struct Nothing {};
  [[no_unique_address]] std::conditional_t<kCompiled, std::atomic<std::uint64_t>, Nothing> value_{};
};

inline constexpr unsigned kTinyClassCount = 20;
inline constexpr unsigned kPoolClassCount = 28;

template <std::uint32_t M>
struct Telemetry {
  template <Flag F>
  using C = Counter<M, F>;

  struct TinyClassStats {  // Phase 24: every front-cache operation
    C<Flag::TINY_CLASS_STATS> alloc_hit[kTinyClassCount], alloc_miss[kTinyClassCount],
        free_hit[kTinyClassCount], free_overflow[kTinyClassCount], spill_pushed[kTinyClassCount];
  } tiny_class;
  struct TinyFreeStats {  // Phase 25: g_free_ss_enter
    C<Flag::TINY_FREE_STATS> slab_free_enter;
  } tiny_free;
  struct UnifiedCacheMeasure {  // Phase 27
    C<Flag::TINY_UNIFIED_CACHE_MEASURE> hits, misses, refill_cycles, refill_blocks,
        class_hits[kTinyClassCount], class_misses[kTinyClassCount];
  } unified_cache;
  struct C7FreeCount {  // Phase 26A: frees of the seed's C7, the 1024-byte class (now the last)
    C<Flag::C7_FREE_COUNT> frees;
  } c7;
  struct HdrMismatchLog {  // Phase 26B
    C<Flag::HDR_MISMATCH_LOG> not_tiny;
  } hdr_mismatch;
  struct HdrMetaMismatch {  // Phase 26C
    C<Flag::HDR_META_MISMATCH> owner_mismatch;
  } hdr_meta_mismatch;
  struct MetricBadClass {  // Phase 26D
    C<Flag::METRIC_BAD_CLASS> no_tiny_class;
  } bad_class;
  struct HdrMetaFast {  // Phase 26E
    C<Flag::HDR_META_FAST> fast_lookups;
  } hdr_meta_fast;
  struct PoolHotboxV2Stats {  // Phase 29: the seed's twelve
    C<Flag::POOL_HOTBOX_V2_STATS> alloc_calls, alloc_fast, alloc_refill, alloc_refill_fail,
        alloc_fallback_v1, free_calls, free_fast, free_fallback_v1, page_of_fail_foreign,
        page_of_fail_unaligned, page_of_fail_class, page_of_fail_not_pool;
  } pool_v2;
};

}  // namespace hakmem
