// StatsReader (stats.h), the one reader of telemetry counters: with every flag compiled in it
// visits each counter exactly once, under its family and name, with the class of a per-class
// counter and -1 for the others; with none compiled in it visits nothing.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "hakmem/core/stats.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

using Key = std::tuple<std::string, std::string, int>;  // family, name, class

std::map<Key, std::uint64_t> visited(const auto& telemetry) {
  std::map<Key, std::uint64_t> seen;
  StatsReader::visit(telemetry, [&](const char* family, const char* name, int cls, std::uint64_t v) {
    EXPECT_TRUE(seen.emplace(Key{family, name, cls}, v).second) << family << "." << name << "[" << cls << "] twice";
  });
  return seen;
}

// A counter's value summed over its classes (kAnyClass), or of one class, as the stats API
// reports it.
constexpr int kAnyClass = -2;
std::uint64_t counted(const auto& telemetry, const std::string& name, int cls) {
  std::uint64_t sum = 0;
  for (const auto& [key, v] : visited(telemetry))
    if (std::get<1>(key) == name && (cls == kAnyClass || std::get<2>(key) == cls)) sum += v;
  return sum;
}

TEST(Stats, EveryCompiledCounterIsVisitedOnceUnderItsFamilyNameAndClass) {
  AllFlagsAllocator a(small_options());
  const auto seen = visited(a.telemetry());
  const std::set<std::string> per_class = {"alloc_hit", "alloc_miss", "free_hit", "free_overflow", "spill_pushed",
                                           "class_hits", "class_misses"};
  std::map<std::string, std::set<int>> classes_of;
  for (const auto& [key, value] : seen) {
    const auto& [family, name, cls] = key;
    EXPECT_EQ(value, 0u) << name << ": a fresh instance counts nothing";
    if (per_class.count(name)) {
      EXPECT_GE(cls, 0) << name;
      EXPECT_LT(cls, static_cast<int>(kTinyClassCount)) << name;
    } else {
      EXPECT_EQ(cls, -1) << family << "." << name << " is no per-class counter";
    }
    classes_of[name].insert(cls);
  }
  for (const std::string& name : per_class) EXPECT_EQ(classes_of[name].size(), kTinyClassCount) << name;
  const std::map<std::string, std::string> single = {
      {"slab_free_enter", "TINY_FREE_STATS"},
      {"hits", "TINY_UNIFIED_CACHE_MEASURE"},
      {"misses", "TINY_UNIFIED_CACHE_MEASURE"},
      {"refill_cycles", "TINY_UNIFIED_CACHE_MEASURE"},
      {"refill_blocks", "TINY_UNIFIED_CACHE_MEASURE"},
      {"frees", "C7_FREE_COUNT"},
      {"not_tiny", "HDR_MISMATCH_LOG"},
      {"owner_mismatch", "HDR_META_MISMATCH"},
      {"no_tiny_class", "METRIC_BAD_CLASS"},
      {"fast_lookups", "HDR_META_FAST"},
      {"alloc_calls", "POOL_HOTBOX_V2_STATS"},
      {"alloc_fast", "POOL_HOTBOX_V2_STATS"},
      {"alloc_refill", "POOL_HOTBOX_V2_STATS"},
      {"alloc_refill_fail", "POOL_HOTBOX_V2_STATS"},
      {"alloc_fallback_v1", "POOL_HOTBOX_V2_STATS"},
      {"free_calls", "POOL_HOTBOX_V2_STATS"},
      {"free_fast", "POOL_HOTBOX_V2_STATS"},
      {"free_fallback_v1", "POOL_HOTBOX_V2_STATS"},
      {"page_of_fail_foreign", "POOL_HOTBOX_V2_STATS"},
      {"page_of_fail_unaligned", "POOL_HOTBOX_V2_STATS"},
      {"page_of_fail_class", "POOL_HOTBOX_V2_STATS"},
      {"page_of_fail_not_pool", "POOL_HOTBOX_V2_STATS"},
  };
  for (const auto& [name, family] : single) EXPECT_EQ(seen.count(Key{family, name, -1}), 1u) << family << "." << name;
  EXPECT_EQ(seen.size(), per_class.size() * kTinyClassCount + single.size());
}

TEST(Stats, ABuildWithoutTelemetryHasNoCounterToVisit) {
  TestAllocator a(small_options());
  EXPECT_TRUE(visited(a.telemetry()).empty());
}

// Each counter counts exactly the events it names, on a scripted single-thread run (and one
// remote free). Values of a name summed over its classes, as the stats API reports them.
TEST(Stats, EachCounterCountsExactlyItsEvents) {
  AllFlagsAllocator a(small_options());
  const auto count = [&](const std::string& name, int cls = kAnyClass) { return counted(a.telemetry(), name, cls); };
  const unsigned c16 = tiny_class_of(16);
  void* first = a.malloc(16);  // a refill: a miss
  void* second = a.malloc(16);  // a front-cache hit
  EXPECT_EQ(count("alloc_miss", c16), 1u);
  EXPECT_EQ(count("misses"), 1u);
  EXPECT_EQ(count("class_misses", c16), 1u);
  EXPECT_EQ(count("refill_cycles"), 1u);
  const std::uint64_t refilled = count("refill_blocks");
  EXPECT_EQ(refilled, kFrontCapacity[c16] / 2) << "one refill of half the first capacity";
  EXPECT_EQ(count("alloc_hit", c16), 1u);
  EXPECT_EQ(count("hits"), 1u);
  EXPECT_EQ(count("class_hits", c16), 1u);
  a.free(first);
  a.free(second);
  EXPECT_EQ(count("free_hit", c16), 2u);
  EXPECT_EQ(count("fast_lookups"), 2u);
  a.free(a.malloc(1024));  // the last class: C7_FREE_COUNT's
  EXPECT_EQ(count("frees"), 1u);
  EXPECT_EQ(count("fast_lookups"), 3u);
  void* mid = a.malloc(5000);
  void* big = a.calloc(1, 300000);
  EXPECT_EQ(count("no_tiny_class"), 2u) << "a pool and a large request";
  a.free(mid);
  a.free(big);
  EXPECT_EQ(count("not_tiny"), 2u);
  // Overflow: the cache takes capacity blocks, the next free moves half of it out, to the spill
  // queue up to its target and the rest to the slabs; the cache then doubles (it was refilled).
  std::vector<void*> blocks;
  for (std::uint32_t i = 0; i <= 2 * kFrontCapacity[c16]; ++i) blocks.push_back(a.malloc(16));
  const std::uint64_t slab_frees = count("slab_free_enter");
  const std::uint64_t freed_before = count("free_hit", c16);
  for (void* p : blocks) a.free(p);
  EXPECT_EQ(count("free_hit", c16), freed_before + blocks.size()) << "the overflowing free is cached too";
  EXPECT_EQ(count("free_overflow", c16), 1u) << "one overflow, after which the cache doubles";
  EXPECT_EQ(count("spill_pushed", c16) + (count("slab_free_enter") - slab_frees), kFrontCapacity[c16] / 2)
      << "the overflow moves half the cache out: to the spill queue or the slabs";
  void* remote = a.malloc(16);
  std::thread([&] { a.free(remote); }).join();
  EXPECT_EQ(count("owner_mismatch"), 1u);
}

// The shim's malloc hit (malloc_from_thread_cache, production's single-instance type) counts as
// malloc() would: a tiny hit as a front-cache hit, a mid size as a request with no tiny class;
// a miss, which the shim hands to malloc(), counts nothing of its own.
TEST(Stats, TheShimsThreadCacheHitsCountAsMallocCountsThem) {
  using Single = Allocator<Config<kAllFlagsMask, StdAtomics, ProcessTlsContext>>;
  Single a(small_options());
  const auto count = [&](const std::string& name, int cls = kAnyClass) { return counted(a.telemetry(), name, cls); };
  const unsigned c16 = tiny_class_of(16);
  a.free(a.malloc(16));
  const std::uint64_t hits = count("alloc_hit", c16), misses = count("alloc_miss", c16);
  void* t = Single::malloc_from_thread_cache(16);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(count("alloc_hit", c16), hits + 1);
  EXPECT_EQ(count("class_hits", c16), hits + 1);
  EXPECT_EQ(count("alloc_miss", c16), misses);
  a.free(t);
  // The biggest class keeps two blocks: one refill takes one, its free caches it.
  a.free(a.malloc(kMaxPool));
  const std::uint64_t beyond_tiny = count("no_tiny_class");
  void* m = Single::malloc_from_thread_cache(kMaxPool);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(count("no_tiny_class"), beyond_tiny + 1) << "a mid-size hit is a request no tiny class serves";
  EXPECT_EQ(Single::malloc_from_thread_cache(kMaxPool), nullptr) << "the cache is empty now";
  EXPECT_EQ(count("no_tiny_class"), beyond_tiny + 1) << "the shim's miss leaves the count to malloc()";
  a.free(m);
}

}  // namespace
}  // namespace hakmem::test
