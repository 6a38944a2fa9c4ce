// Checks of pool v2's routing: a pool free caches its block where its slab record says
// (Slab::front_offset), and set_pool_v2 rewrites every record, so that once v2 is on each free
// reaches the hotbox (through the always-full NoCache) and once it is off again v1's cache. Shared by the unit
// tests and the decoy.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "hakmem/core/stats.h"
#include "test_config.h"

namespace hakmem::test {

// With every counter compiled in: v2's sites run only once it is on, and its frees fill the
// hotbox before they fall back to v1. The blocks freed before come from superslabs whose records
// were written with v2 off.
template <class Alloc>
void v2_hotbox_takes_frees_once_enabled() {
  Alloc a(small_options());
  for (int i = 0; i < 100; ++i) a.free(a.malloc(10000));
  EXPECT_EQ(StatsReader::family_total(a.telemetry(), Flag::POOL_HOTBOX_V2_STATS), 0u)
      << "v2 is off by default: its sites must not run";
  a.set_pool_v2(true);
  std::vector<void*> ps;
  for (int i = 0; i < 20; ++i) ps.push_back(a.malloc(10000));
  for (void* p : ps) a.free(p);
  const auto& t = a.telemetry();
  EXPECT_GT(StatsReader::family_total(t, Flag::POOL_HOTBOX_V2_STATS), 0u);
  std::uint64_t calls = 0, fast = 0, refill = 0, free_fast = 0, fallback = 0;
  StatsReader::visit(t, [&](const char* fam, const char* name, int, std::uint64_t v) {
    if (std::strcmp(fam, "POOL_HOTBOX_V2_STATS")) return;
    if (!std::strcmp(name, "alloc_calls")) calls = v;
    if (!std::strcmp(name, "alloc_fast")) fast = v;
    if (!std::strcmp(name, "alloc_refill")) refill = v;
    if (!std::strcmp(name, "free_fast")) free_fast = v;
    if (!std::strcmp(name, "free_fallback_v1")) fallback = v;
  });
  EXPECT_EQ(calls, 20u);
  EXPECT_EQ(refill, 5u);  // 4 blocks a refill: 20 allocations = 5 refills, 15 fast
  EXPECT_EQ(fast, 15u);
  EXPECT_EQ(free_fast + fallback, 20u) << "every free while v2 is on goes through v2";
  EXPECT_EQ(free_fast, 8u) << "hotbox capacity";
  EXPECT_EQ(fallback, 12u);
  hak_heap_report r;
  a.quiesce();
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, 0u);
}

// Without counters, from the heap itself: blocks of two classes, one of each freed after each of
// four toggles (so no cache fills: 20000 B keeps 6), land in the hotbox while v2 is on and in v1's cache while it is off; the heap
// check compares every record's routing with pool_v2() at each step.
template <class Alloc>
void v2_routing_follows_every_toggle() {
  Alloc a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 4; ++i) blocks.push_back(a.malloc(3000)), blocks.push_back(a.malloc(20000));
  for (void* p : blocks) ASSERT_NE(p, nullptr);
  a.free(a.malloc(100));  // the thread's heap, by a tiny block's owner
  void* tiny = a.malloc(100);
  auto& h = *static_cast<typename Alloc::HeapT*>(superslab_of(tiny)->owner);
  hak_heap_report r{};
  std::size_t next = 0;
  for (bool v2 : {true, false, true, false}) {
    a.set_pool_v2(v2);
    EXPECT_EQ(a.check(&r), 0) << "pool v2 " << v2 << ": " << r.first_error;
    for (int k = 0; k < 2; ++k) {
      void* p = blocks[next++];
      const unsigned pc = superslab_of(p)->pool_class;
      const std::size_t hot = h.hot[pc].count, cached = h.pool_cache[pc].count;
      a.free(p);
      EXPECT_EQ(h.hot[pc].count, hot + (v2 ? 1 : 0)) << "pool v2 " << v2 << ": free " << next << " to the hotbox";
      EXPECT_EQ(h.pool_cache[pc].count, cached + (v2 ? 0 : 1)) << "pool v2 " << v2 << ": free " << next << " to v1's cache";
    }
  }
  a.free(tiny);
  a.quiesce();
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, 0u);
}

}  // namespace hakmem::test
