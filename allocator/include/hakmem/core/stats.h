// StatsReader: the only code that may read telemetry counters. It enumerates every compiled-in
// counter of a Telemetry<M> as (family, name, value) for the stats API and the exit dump.
#pragma once
#include <cstdint>
#include <cstring>

#include "hakmem/core/telemetry.h"

namespace hakmem {

class StatsReader {
 public:
  // Calls f(family, name, cls, value) for every compiled-in counter, in a fixed order; cls is
  // the size class of a per-class counter and -1 otherwise. Strings are static.
  template <std::uint32_t M, class F>
  static void visit(const Telemetry<M>& t, F&& f) {
    for (unsigned c = 0; c < kTinyClassCount; ++c) {
      one(t.tiny_class.alloc_hit[c], "alloc_hit", c, f);
      one(t.tiny_class.alloc_miss[c], "alloc_miss", c, f);
      one(t.tiny_class.free_hit[c], "free_hit", c, f);
      one(t.tiny_class.free_overflow[c], "free_overflow", c, f);
      one(t.tiny_class.spill_pushed[c], "spill_pushed", c, f);
    }
    one(t.tiny_free.slab_free_enter, "slab_free_enter", -1, f);
    one(t.unified_cache.hits, "hits", -1, f);
    one(t.unified_cache.misses, "misses", -1, f);
    one(t.unified_cache.refill_cycles, "refill_cycles", -1, f);
    one(t.unified_cache.refill_blocks, "refill_blocks", -1, f);
    for (unsigned c = 0; c < kTinyClassCount; ++c) {
      one(t.unified_cache.class_hits[c], "class_hits", c, f);
      one(t.unified_cache.class_misses[c], "class_misses", c, f);
    }
    one(t.c7.frees, "frees", -1, f);
    one(t.hdr_mismatch.not_tiny, "not_tiny", -1, f);
    one(t.hdr_meta_mismatch.owner_mismatch, "owner_mismatch", -1, f);
    one(t.bad_class.no_tiny_class, "no_tiny_class", -1, f);
    one(t.hdr_meta_fast.fast_lookups, "fast_lookups", -1, f);
    const auto& p = t.pool_v2;
    one(p.alloc_calls, "alloc_calls", -1, f);
    one(p.alloc_fast, "alloc_fast", -1, f);
    one(p.alloc_refill, "alloc_refill", -1, f);
    one(p.alloc_refill_fail, "alloc_refill_fail", -1, f);
    one(p.alloc_fallback_v1, "alloc_fallback_v1", -1, f);
    one(p.free_calls, "free_calls", -1, f);
    one(p.free_fast, "free_fast", -1, f);
    one(p.free_fallback_v1, "free_fallback_v1", -1, f);
    one(p.page_of_fail_foreign, "page_of_fail_foreign", -1, f);
    one(p.page_of_fail_unaligned, "page_of_fail_unaligned", -1, f);
    one(p.page_of_fail_class, "page_of_fail_class", -1, f);
    one(p.page_of_fail_not_pool, "page_of_fail_not_pool", -1, f);
  }

  // Sum of every compiled-in counter of one flag family (for "is this flag ACTIVE?").
  template <std::uint32_t M>
  static std::uint64_t family_total(const Telemetry<M>& t, Flag flag) {
    std::uint64_t sum = 0;
    visit(t, [&](const char* family, const char*, int, std::uint64_t v) {
      if (std::strcmp(family, kFlags[static_cast<unsigned>(flag)].name) == 0) sum += v;
    });
    return sum;
  }

 private:
  template <std::uint32_t M, Flag F, class Fn>
  static void one(const Counter<M, F>& c, const char* base, int cls, Fn& f) {
    if constexpr (Counter<M, F>::kCompiled)
      f(kFlags[static_cast<unsigned>(F)].name, base, cls, c.value_.load(std::memory_order_relaxed));
  }
};

}  // namespace hakmem
