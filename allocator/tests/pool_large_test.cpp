// The mid-size pool (v1 and the env-gated v2 hotbox) and large blocks.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

#include "hakmem/core/stats.h"
#include "large_cache_checks.h"
#include "pool_cache_checks.h"
#include "pool_purge_checks.h"
#include "pool_v2_checks.h"
#include "pool_release_checks.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

TEST(Pool, MidSizesComeFromPoolClassesAndAreReused) {
  TestAllocator a(small_options());
  void* p = a.malloc(3600);
  EXPECT_EQ(a.usable_size(p), 4096u);
  a.free(p);
  EXPECT_EQ(a.malloc(4000), p);  // v1 free list is LIFO
}

TEST(Pool, BlocksFreedBeyondTheKeepGiveTheirPagesBack) {
  pool_blocks_freed_beyond_the_keep_are_purged<TestAllocator>();
}

TEST(Pool, AClassFreedEntirelyGivesItsSuperslabsToAnother) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  pool_class_freed_entirely_gives_its_superslabs_to_another<TestAllocator>();
}

TEST(Pool, ThreadCachesKeepUpToTheirBytesAndAtLeastTwoBlocks) {
  EXPECT_EQ(pool_cache_capacity(0, 128 << 10), kPoolCacheMax) << "1280 B: 102 fit, 16 kept";
  EXPECT_EQ(pool_cache_capacity(pool_class_of(12288), 128 << 10), 10u);
  EXPECT_EQ(pool_cache_capacity(kPoolClassCount - 1, 128 << 10), 2u) << "128 KiB: one fits, two kept";
  EXPECT_EQ(pool_cache_capacity(0, 0), 0u) << "0 bytes: no cache";
  TestAllocator a(small_options());
  a.free(a.malloc(16));  // a heap: its caches take the capacities above, every class's
  for (unsigned c = 0; c < kPoolClassCount; ++c)
    EXPECT_EQ(a.pool_cache_capacity_of(c), pool_cache_capacity(c, small_options().pool_cache_bytes)) << "P" << c;
}

TEST(Pool, AThreadCacheHoldsAtMostItsCapacityUntilFlushed) {
  TestAllocator a(small_options());
  std::vector<void*> ps;
  for (int i = 0; i < 40; ++i) ps.push_back(a.malloc(4096));
  for (void* p : ps) a.free(p);
  hak_heap_report r{};
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_cached_blocks, kPoolCacheMax) << "full caches give their older half to the class";
  EXPECT_EQ(r.pool_live_blocks, 0u);
  a.thread_flush();
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_cached_blocks, 0u);
  EXPECT_EQ(a.malloc(4096), ps.back()) << "the class's newest block is the last one the cache held";
}

// Growth, as for the tiny front caches: an overflow doubles a pool cache only when the class was
// refilled since its previous overflow (the thread trades blocks both ways), up to kPoolCacheMax.
// The added blocks' bytes come out of one budget per thread that its classes share. A thread that
// only frees keeps the first capacity.
template <class Alloc>
std::uint32_t trade_rounds(Alloc& a, std::size_t size, int rounds) {
  std::vector<void*> blocks;
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < 40; ++i) blocks.push_back(a.malloc(size));
    for (void* p : blocks) a.free(p);
    blocks.clear();
  }
  return a.pool_cache_capacity_of(pool_class_of(size));
}

TEST(Pool, ACacheDoublesAtAnOverflowAfterARefillUpToItsMaximum) {
  TestAllocator a(small_options());
  const unsigned pc = pool_class_of(65536);  // 128 KiB: 2 blocks first
  ASSERT_EQ(pool_cache_capacity(pc, a.options().pool_cache_bytes), 2u);
  EXPECT_EQ(a.pool_cache_capacity_of(pc), 0u) << "a thread with no heap yet has no cache";
  ASSERT_NE(a.malloc(65536), nullptr);
  EXPECT_EQ(a.pool_cache_capacity_of(pc), 2u);
  // Each round refills, then overflows: the first overflow doubles, the later ones (no refill
  // between) do not.
  EXPECT_EQ(trade_rounds(a, 65536, 1), 4u);
  EXPECT_EQ(trade_rounds(a, 65536, 1), 8u);
  EXPECT_EQ(trade_rounds(a, 65536, 2), kPoolCacheMax) << "never beyond kPoolCacheMax";
  EXPECT_EQ(a.pool_cache_capacity_of(pool_class_of(32768)), 4u) << "other classes keep theirs";
  hak_heap_report r{};
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_LE(r.pool_cached_blocks, kPoolCacheMax);
}

// A budget of 16 x 16 KiB = 256 KiB: the 64 KiB class grows 2 -> 4 (128 KiB), then by the two
// blocks the rest pays for; the 32 KiB class, traded next, finds nothing left.
TEST(Pool, AThreadsCachesGrowOutOfOneSharedBudget) {
  Options o = small_options();
  o.pool_cache_bytes = 16 << 10;
  TestAllocator a(o);
  static_assert(kPoolGrowthBudget == 16);
  EXPECT_EQ(trade_rounds(a, 65536, 1), 4u);
  EXPECT_EQ(trade_rounds(a, 65536, 1), 6u) << "half a doubling: all the budget had left";
  EXPECT_EQ(trade_rounds(a, 65536, 1), 6u);
  EXPECT_EQ(trade_rounds(a, 32768, 3), 2u) << "the budget is spent";
  hak_heap_report r{};
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
}

TEST(Pool, AThreadThatOnlyFreesKeepsItsFirstCacheCapacity) {
  TestAllocator a(small_options());
  const unsigned pc = pool_class_of(32768);
  std::vector<void*> blocks;
  for (int i = 0; i < 200; ++i) blocks.push_back(a.malloc(32768));
  std::thread([&] {
    a.free(a.malloc(16));  // a heap (a thread without one frees straight to the class)
    for (void* p : blocks) a.free(p);  // overflow after overflow, never a refill
    EXPECT_EQ(a.pool_cache_capacity_of(pc), 4u);
  }).join();
}

TEST(Pool, BlocksAThreadCachedGoBackToTheClassWhenItExits) {
  TestAllocator a(small_options());
  std::set<void*> theirs;
  std::thread([&] {
    for (int i = 0; i < 8; ++i) theirs.insert(a.malloc(8000));
    for (void* p : theirs) a.free(p);
  }).join();
  hak_heap_report r{};
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_cached_blocks, 0u) << "the exiting thread's cache was flushed";
  std::set<void*> ours;
  for (int i = 0; i < 8; ++i) ours.insert(a.malloc(8000));
  EXPECT_EQ(ours, theirs) << "reuse takes the exited thread's blocks, not fresh ones";
  for (void* p : ours) a.free(p);
}

TEST(Pool, CarvedBlocksWaitingInTheThreadCacheAreFree) {
  pool_cache_blocks_carry_the_free_canary<TestAllocator>();
}

TEST(Pool, V2HotboxIsUsedOnlyWhenEnabledAndItsCountersShowIt) { v2_hotbox_takes_frees_once_enabled<AllFlagsAllocator>(); }

TEST(Pool, V2RoutingFollowsEveryToggle) { v2_routing_follows_every_toggle<TestAllocator>(); }

TEST(Large, FreedMappingsAreReusedFromABoundedCacheAndReleasedAtQuiescence) {
  TestAllocator a(cache_options());
  a.free(a.malloc(1 << 20));  // the first large block also maps the registry's table
  a.quiesce();
  const std::uint64_t baseline = a.os().mapped_bytes();
  void* p = a.malloc(1 << 20);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(a.usable_size(p), 1u << 20);
  std::memset(p, 1, a.usable_size(p));
  EXPECT_GT(a.os().mapped_bytes(), baseline);
  a.free(p);
  const std::uint64_t maps = a.os().map_calls();
  void* q = a.malloc((1 << 20) - 100);  // fits the cached mapping: no new map
  EXPECT_EQ(a.os().map_calls(), maps);
  EXPECT_EQ(q, p);
  a.free(q);
  a.quiesce();
  EXPECT_EQ(a.os().mapped_bytes(), baseline);
  // Many freed mappings: the cache keeps at most 32 MiB of them.
  std::vector<void*> big;
  for (int i = 0; i < 20; ++i) big.push_back(a.malloc(4 << 20));
  for (void* b : big) a.free(b);
  EXPECT_LE(a.os().mapped_bytes(), baseline + (std::uint64_t{32} << 20));
  a.quiesce();
  EXPECT_EQ(a.os().mapped_bytes(), baseline);
}

TEST(Large, TheMappingCacheKeepsAtMostItsEntryBoundAndServesRequestsFromIt) {
  constexpr unsigned kEntries = LargeCache<StdAtomics>::kEntries;
  TestAllocator a(cache_options());
  a.free(a.malloc(1 << 20));  // maps the registry's table
  a.quiesce();
  const std::uint64_t baseline = a.os().mapped_bytes();
  std::vector<void*> blocks;
  for (unsigned i = 0; i < kEntries + 8; ++i) blocks.push_back(a.malloc(200000));
  const std::uint64_t each = (a.os().mapped_bytes() - baseline) / (kEntries + 8);
  for (void* p : blocks) a.free(p);
  EXPECT_EQ(a.os().mapped_bytes(), baseline + kEntries * each) << "the oldest 8 are unmapped";
  const std::uint64_t maps = a.os().map_calls();
  blocks.clear();
  for (unsigned i = 0; i < kEntries; ++i) blocks.push_back(a.malloc(180000));  // fits 200000's mappings
  EXPECT_EQ(a.os().map_calls(), maps) << "every request served from the cache";
  for (void* p : blocks) a.free(p);
  a.quiesce();
  EXPECT_EQ(a.os().mapped_bytes(), baseline);
}

TEST(Large, ABigCachedMappingIsCutAndItsTailServesTheNextRequest) {
  TestAllocator a(cache_options());
  a.free(a.malloc(1 << 20));  // maps the registry's table
  a.quiesce();
  const std::uint64_t live_mappings = a.os().map_calls() - a.os().unmap_calls();  // the table
  a.free(a.malloc(4 << 20));  // one 4 MiB mapping cached
  const std::uint64_t mapped = a.os().mapped_bytes();
  void* p = a.malloc(1 << 20);  // the head of the 4 MiB mapping
  void* q = a.malloc(2 << 20);  // the tail (3 MiB): within twice the request, taken whole
  ASSERT_NE(p, nullptr);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(a.os().mapped_bytes(), mapped) << "no new mapping";
  std::memset(p, 1, 1 << 20);
  std::memset(q, 2, 2 << 20);
  EXPECT_EQ(static_cast<unsigned char*>(p)[(1 << 20) - 1], 1);
  a.free(p);
  a.free(q);
  a.quiesce();
  hak_heap_report rep;
  EXPECT_EQ(a.check(&rep), 0) << rep.first_error;
  EXPECT_EQ(a.os().map_calls() - a.os().unmap_calls(), live_mappings) << "the cut counts as a mapping; both ranges unmapped";
}

TEST(Large, ACutMappingComesBackWholeWhenItsHeadIsFreed) {
  TestAllocator a(cache_options());
  a.free(a.malloc(1 << 20));  // maps the registry's table
  a.quiesce();
  const std::uint64_t live_mappings = a.os().map_calls() - a.os().unmap_calls();  // the table
  void* whole = a.malloc(4 << 20);
  a.free(whole);             // one 4 MiB mapping cached
  void* p = a.malloc(1 << 20);  // its head; the tail stays cached
  ASSERT_EQ(p, whole);
  a.free(p);  // joins the cached tail
  EXPECT_EQ(a.os().map_calls() - a.os().unmap_calls(), live_mappings + 1) << "one cached range, not two";
  const std::uint64_t maps = a.os().map_calls();
  void* q = a.malloc(4 << 20);  // only the joined mapping fits it (without the join: a remap grows the tail)
  EXPECT_EQ(q, whole);
  EXPECT_EQ(a.os().map_calls(), maps) << "served whole from the cache";
  std::memset(q, 5, 4 << 20);
  a.free(q);
  a.quiesce();
  EXPECT_EQ(a.os().map_calls() - a.os().unmap_calls(), live_mappings);
}

TEST(Large, ASmallerCachedMappingGrowsByARemapAndFallsBackWhenItFails) {
  TestAllocator a(cache_options());
  a.free(a.malloc(1 << 20));
  a.quiesce();
  const std::uint64_t baseline = a.os().mapped_bytes();
  a.free(a.malloc(1 << 20));  // a 1 MiB mapping cached
  auto* p = static_cast<unsigned char*>(a.malloc(3 << 19));  // 1.5 MiB: the cached one grows
  ASSERT_NE(p, nullptr);
  EXPECT_LE(a.os().mapped_bytes(), baseline + (3 << 19) + 8192) << "the cached 1 MiB was reused";
  std::memset(p, 3, 3 << 19);
  a.free(p);
  a.os().inject_faults(1, 0);  // the next remap fails: a fresh mapping serves the request
  auto* q = static_cast<unsigned char*>(a.malloc(3 << 20));
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(a.os().failures(), 1u);
  std::memset(q, 4, 3 << 20);
  a.free(q);
  a.quiesce();
  EXPECT_EQ(a.os().mapped_bytes(), baseline);
}

TEST(Large, ReallocBetweenLargeSizesRemapsTheMappingWithoutCopying) {
  TestAllocator a(cache_options());
  auto* p = static_cast<unsigned char*>(a.malloc(1 << 20));
  ASSERT_NE(p, nullptr);
  for (std::size_t i = 0; i < (1 << 20); i += 4096) p[i] = static_cast<unsigned char>(i >> 12);
  const std::uint64_t maps = a.os().map_calls();
  const std::uint64_t mapped = a.os().mapped_bytes();
  auto* q = static_cast<unsigned char*>(a.realloc(p, 8 << 20));  // grow
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(a.os().map_calls(), maps + 1) << "one remap, no second mapping";
  EXPECT_EQ(a.os().mapped_bytes(), mapped + (7 << 20)) << "the mapping grew by 7 MiB, no copy held";
  EXPECT_GE(a.usable_size(q), std::size_t{8} << 20);
  for (std::size_t i = 0; i < (1 << 20); i += 4096) ASSERT_EQ(q[i], static_cast<unsigned char>(i >> 12)) << i;
  std::memset(q, 7, 8 << 20);
  const std::uint64_t maps_before_shrink = a.os().map_calls();
  auto* r = static_cast<unsigned char*>(a.realloc(q, 300000));  // shrink below half
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(a.os().map_calls(), maps_before_shrink + 1) << "one remap";
  EXPECT_GE(a.usable_size(r), 300000u);
  EXPECT_LT(a.usable_size(r), 400000u);
  for (std::size_t i = 0; i < 300000; ++i) ASSERT_EQ(r[i], 7) << i;
  hak_heap_report rep;
  EXPECT_EQ(a.check(&rep), 0) << rep.first_error;
  EXPECT_EQ(rep.large_live_blocks, 1u);
  a.free(r);
  a.quiesce();
  EXPECT_EQ(a.check(&rep), 0) << rep.first_error;
  EXPECT_EQ(rep.large_live_blocks, 0u);
}

TEST(Large, ReallocPrefersAFittingCachedMappingToARemap) {
  TestAllocator a(cache_options());
  auto* p = static_cast<unsigned char*>(a.malloc(1 << 20));
  std::memset(p, 5, 1 << 20);
  a.free(a.malloc(4 << 20));  // a 4 MiB mapping in the cache (after p: p would take a cut of it)
  const std::uint64_t maps = a.os().map_calls();
  auto* q = static_cast<unsigned char*>(a.realloc(p, 3 << 20));  // fits the cached mapping
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(a.os().map_calls(), maps) << "neither a map nor a remap";
  for (std::size_t i = 0; i < (1 << 20); ++i) ASSERT_EQ(q[i], 5) << i;
  a.free(q);
  hak_heap_report rep;
  a.quiesce();
  EXPECT_EQ(a.check(&rep), 0) << rep.first_error;
  EXPECT_EQ(rep.large_live_blocks, 0u);
}

TEST(Large, ReallocFallsBackToCopyingWhenTheRemapFails) {
  TestAllocator a(cache_options());
  auto* p = static_cast<unsigned char*>(a.malloc(300000));
  ASSERT_NE(p, nullptr);
  std::memset(p, 9, 300000);
  a.os().inject_faults(1, 0);  // the remap fails; the copy's fresh mapping succeeds
  auto* q = static_cast<unsigned char*>(a.realloc(p, 3 << 20));
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(a.os().failures(), 1u);
  for (std::size_t i = 0; i < 300000; ++i) ASSERT_EQ(q[i], 9) << i;
  a.os().inject_faults(0, 1);  // every map fails: NULL, ENOMEM, the block untouched
  errno = 0;
  EXPECT_EQ(a.realloc(q, 6 << 20), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  a.os().inject_faults(0, 0);
  for (std::size_t i = 0; i < 300000; ++i) ASSERT_EQ(q[i], 9) << i;
  a.free(q);
  hak_heap_report rep;
  a.quiesce();
  EXPECT_EQ(a.check(&rep), 0) << rep.first_error;
}

TEST(Large, CallocZeroesARecycledBlock) {
  for (const Options& o : {small_options(), cache_options()}) {  // the arena's pages, the cache's mappings
    TestAllocator a(o);
    for (std::size_t size : {40000u, 300000u, 1000000u}) {
      void* p = a.malloc(size);
      std::memset(p, 0xE5, size);
      a.free(p);  // its pages idle or its mapping cached, dirty
      auto* z = static_cast<unsigned char*>(a.calloc(1, size));
      ASSERT_EQ(z, p) << "expected the same pages back (arena " << o.large_arena << ")";
      for (std::size_t i = 0; i < size; ++i) ASSERT_EQ(z[i], 0) << "byte " << i << " of " << size;
      a.free(z);
    }
  }
}

TEST(Large, AlignedBlocksAreAligned) {
  TestAllocator a(small_options());
  for (std::size_t align = 64; align <= (std::size_t{4} << 20); align *= 4) {
    void* q = a.aligned_alloc(align, 100000);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(q) % align, 0u) << align;
    EXPECT_GE(a.usable_size(q), 100000u);
    std::memset(q, 2, 100000);
    a.free(q);
  }
}

TEST(Large, ReallocAcrossAllThreeKindsKeepsContents) {
  TestAllocator a(small_options());
  auto* p = static_cast<unsigned char*>(a.malloc(100));
  for (int i = 0; i < 100; ++i) p[i] = static_cast<unsigned char>(i);
  for (std::size_t size : {5000u, 200000u, 3000000u, 20000u, 50u}) {
    p = static_cast<unsigned char*>(a.realloc(p, size));
    ASSERT_NE(p, nullptr);
    for (int i = 0; i < 50; ++i) ASSERT_EQ(p[i], i) << "after realloc to " << size;
  }
  a.free(p);
  hak_heap_report r;
  a.quiesce();
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.tiny_live_blocks + r.pool_live_blocks + r.large_live_blocks, 0u);
}


// The large cache on its own, over real mappings.
TEST(LargeCache, PiecesOfOneMappingJoinAndPiecesOfTwoNeverDo) {
  pieces_of_two_mappings_stay_apart<LargeCache<StdAtomics>>();
}

TEST(LargeCache, ARequestGetsTheBestFitWithinTwiceItsSizeOrNone) {
  OsLayer os;
  LargeCache<StdAtomics> cache;
  constexpr std::size_t kPage = 4096;
  // Ranges of 1..40 pages and a few bigger ones, each its own mapping; `model` mirrors them.
  std::multiset<std::size_t> model;
  for (std::size_t pages = 1; pages <= 40; ++pages) model.insert(pages * kPage);
  for (std::size_t pages : {41, 64, 100, 130, 200, 2048}) model.insert(pages * kPage);
  std::uint64_t origin = 1;
  for (std::size_t bytes : model) cache.give(os, {static_cast<char*>(os.map(bytes)), bytes, origin++});
  ASSERT_EQ(cache.entries(), model.size());
  // Requests below kReshapeMin (64 pages): the smallest cached range of at least the request,
  // whole, if it is at most twice the request; otherwise none.
  for (std::size_t pages : {1, 7, 16, 16, 17, 33, 41, 41, 50, 60, 63, 63, 20, 1}) {
    const std::size_t want = pages * kPage;
    const auto fit = model.lower_bound(want);
    const bool expected = fit != model.end() && *fit <= 2 * want;
    LargeRange r;
    ASSERT_EQ(cache.take(os, want, &r), expected) << pages << " pages";
    if (!expected) continue;
    EXPECT_EQ(r.bytes, *fit) << pages << " pages";
    model.erase(fit);
    os.unmap(r.base, r.bytes);
  }
  EXPECT_EQ(cache.entries(), model.size());
  cache.flush(os);
  EXPECT_EQ(os.map_calls(), os.unmap_calls());
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

TEST(LargeCache, WhenFullTheOldestEntryIsUnmappedFirst) {
  OsLayer os;
  LargeCache<StdAtomics> cache;
  constexpr unsigned kEntries = LargeCache<StdAtomics>::kEntries;
  constexpr std::size_t kBytes = 8192;
  std::vector<char*> ranges;  // all mapped first: an unmapped range's address may come back
  for (unsigned i = 0; i < kEntries + 3; ++i) ranges.push_back(static_cast<char*>(os.map(kBytes)));
  for (unsigned i = 0; i < kEntries + 3; ++i) cache.give(os, {ranges[i], kBytes, i + 1u});
  EXPECT_EQ(cache.entries(), kEntries);
  for (unsigned i = 0; i < 3; ++i) EXPECT_FALSE(cache.holds(ranges[i])) << "entry " << i << " is among the oldest";
  for (unsigned i = 3; i < kEntries + 3; ++i) EXPECT_TRUE(cache.holds(ranges[i] + 100)) << "entry " << i;
  EXPECT_EQ(os.unmap_calls(), 3u);
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// The cache holds at most kMaxBytes: ranges that fill it exactly all stay, one page more evicts
// the oldest; a range bigger than kMaxMapping is never kept.
TEST(LargeCache, ItHoldsUpToItsByteBoundExactlyAndNoRangeBeyondTheMappingBound) {
  OsLayer os;
  LargeCache<StdAtomics> cache;
  constexpr std::size_t kMax = LargeCache<StdAtomics>::kMaxMapping;
  constexpr unsigned kFill = LargeCache<StdAtomics>::kMaxBytes / kMax;
  std::vector<char*> ranges;
  for (unsigned i = 0; i <= kFill; ++i) ranges.push_back(static_cast<char*>(os.map(kMax)));
  char* page = static_cast<char*>(os.map(4096));
  for (unsigned i = 0; i < kFill; ++i) cache.give(os, {ranges[i], kMax, i + 1u});
  EXPECT_EQ(cache.entries(), kFill) << "exactly kMaxBytes fit";
  EXPECT_EQ(os.unmap_calls(), 0u);
  cache.give(os, {page, 4096, 100});
  EXPECT_EQ(cache.entries(), kFill) << "a page more: the oldest goes";
  EXPECT_FALSE(cache.holds(ranges[0]));
  EXPECT_EQ(os.unmap_calls(), 1u);
  char* big = static_cast<char*>(os.map(kMax + 4096));
  cache.give(os, {big, kMax + 4096, 200});
  EXPECT_FALSE(cache.holds(big)) << "bigger than kMaxMapping: unmapped at once";
  EXPECT_EQ(os.unmap_calls(), 2u);
  cache.give(os, {ranges[kFill], kMax, 300});
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// The large cache's rules at their boundaries: holds() from a range's first byte; pieces of one
// mapping join up to exactly kMaxMapping; at kReshapeMin a request may take a range more than
// twice its size (cut) and grow one of exactly half; below it neither; fits() is "at most twice".
TEST(LargeCache, ItsRulesHoldAtTheirExactBoundaries) {
  OsLayer os;
  LargeCache<StdAtomics> cache;
  constexpr std::size_t kMax = LargeCache<StdAtomics>::kMaxMapping;
  constexpr std::size_t kMin = LargeCache<StdAtomics>::kReshapeMin;
  auto* m = static_cast<char*>(os.map(kMax));
  cache.give(os, {m, kMax / 2, 7});
  EXPECT_TRUE(cache.holds(m)) << "the first byte of a cached range";
  cache.give(os, {m + kMax / 2, kMax / 2, 7});
  EXPECT_EQ(cache.entries(), 1u) << "two halves of one mapping join to exactly kMaxMapping";
  EXPECT_TRUE(cache.fits(kMax / 2)) << "a range of exactly twice the request fits";
  EXPECT_FALSE(cache.fits(kMax / 2 - 4096));
  LargeRange r;
  ASSERT_TRUE(cache.take(os, kMin, &r)) << "at kReshapeMin a range over twice the size is cut";
  EXPECT_EQ(r.bytes, kMin);
  EXPECT_EQ(r.base, m) << "its head serves the request";
  EXPECT_EQ(r.origin, 7u) << "cut from the cached mapping, not grown into a new one";
  EXPECT_EQ(cache.entries(), 1u) << "its tail stays cached";
  os.unmap(r.base, r.bytes);
  cache.flush(os);
  // Over kReshapeMin: a range of 2.5x the request is cut (its half exceeds the request); the
  // biggest range, when below half the request, does not grow.
  auto* wide = static_cast<char*>(os.map(5 * kMin / 2));
  cache.give(os, {wide, 5 * kMin / 2, 10});
  ASSERT_TRUE(cache.take(os, kMin, &r));
  EXPECT_EQ(r.bytes, kMin) << "2.5x the request: cut, not handed out whole";
  os.unmap(r.base, r.bytes);
  EXPECT_FALSE(cache.take(os, 4 * kMin, &r)) << "the 1.5x kReshapeMin tail is below half of 4x: no growth";
  cache.flush(os);
  // A request of several MiB finds its best fit like a small one: whole, from its own mapping.
  auto* five = static_cast<char*>(os.map(5 << 20));
  cache.give(os, {five, std::size_t{5} << 20, 11});
  ASSERT_TRUE(cache.take(os, std::size_t{5} << 20, &r));
  EXPECT_EQ(r.base, five);
  EXPECT_EQ(r.origin, 11u) << "found in its bin, not grown from the biggest";
  os.unmap(r.base, r.bytes);
  auto* half = static_cast<char*>(os.map(kMin / 2));
  cache.give(os, {half, kMin / 2, 8});
  ASSERT_TRUE(cache.take(os, kMin, &r)) << "a range of exactly half of kReshapeMin grows";
  EXPECT_EQ(r.bytes, kMin);
  EXPECT_EQ(r.origin, kFreshOrigin);
  os.unmap(r.base, r.bytes);
  auto* small = static_cast<char*>(os.map(kMin / 2));
  cache.give(os, {small, kMin / 2, 9});
  EXPECT_FALSE(cache.take(os, kMin - 4096, &r)) << "below kReshapeMin nothing grows";
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// An entry handed out leaves no trace in the address indexes: a range given next to where it
// was, from the same mapping, does not join the entry that is gone (on either side).
TEST(LargeCache, ATakenEntryLeavesNoTraceInTheAddressIndexes) {
  OsLayer os;
  LargeCache<StdAtomics> cache;
  constexpr std::size_t kPage = 4096;
  auto* m = static_cast<char*>(os.map(4 * kPage));
  LargeRange r;
  cache.give(os, {m, 2 * kPage, 20});
  ASSERT_TRUE(cache.take(os, 2 * kPage, &r));
  ASSERT_EQ(r.base, m);
  cache.give(os, {m + 2 * kPage, 2 * kPage, 20});  // starts where the taken entry ended
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_FALSE(cache.holds(m)) << "joined the entry handed out";
  ASSERT_TRUE(cache.take(os, 2 * kPage, &r));
  ASSERT_EQ(r.base, m + 2 * kPage);
  EXPECT_EQ(cache.entries(), 0u);
  cache.give(os, {m, 2 * kPage, 20});  // ends where the taken entry started
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_FALSE(cache.holds(m + 2 * kPage)) << "joined the entry handed out";
  cache.flush(os);
  os.unmap(m + 2 * kPage, 2 * kPage);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// Bins are page counts in a two-level bitmap of 64-bit words: entries on both sides of a word's
// edge (63, 64, 127, 128 pages) are each found by an exact request, two of one bin are both
// handed out once, and an emptied bin is not found again.
TEST(LargeCache, BinsAtTheEdgesOfTheBitmapsWordsAreFoundAndEmptied) {
  OsLayer os;
  LargeCache<StdAtomics> cache;
  constexpr std::size_t kPage = 4096;
  std::uint64_t origin = 30;
  std::vector<LargeRange> given;
  for (std::size_t pages : {63, 64, 127, 128, 127}) {
    given.push_back({static_cast<char*>(os.map(pages * kPage)), pages * kPage, origin++});
    cache.give(os, given.back());
  }
  LargeRange r;
  for (std::size_t i : {4, 2, 3, 1, 0}) {  // newest first within a bin
    ASSERT_TRUE(cache.take(os, given[i].bytes, &r)) << given[i].bytes / kPage << " pages";
    EXPECT_EQ(r.base, given[i].base) << given[i].bytes / kPage << " pages";
    EXPECT_EQ(r.origin, given[i].origin) << "found in its bin, not grown from the biggest";
    os.unmap(r.base, r.bytes);
  }
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_FALSE(cache.take(os, 127 * kPage, &r)) << "an emptied bin found again";
  // Emptied bins leave no bit behind: a request whose own bin was emptied finds the next one up.
  const LargeRange wider{static_cast<char*>(os.map(130 * kPage)), 130 * kPage, 40};
  cache.give(os, wider);
  ASSERT_TRUE(cache.take(os, 127 * kPage, &r));
  EXPECT_EQ(r.base, wider.base) << "the 130-page entry, whole (within twice the request)";
  EXPECT_EQ(r.origin, wider.origin);
  os.unmap(r.base, r.bytes);
  // A request in the bitmap's first word finds an entry in the second through the summary word,
  // and once that word is empty again the summary forgets it (the biggest is the one left).
  const LargeRange twice{static_cast<char*>(os.map(126 * kPage)), 126 * kPage, 41};
  cache.give(os, twice);
  ASSERT_TRUE(cache.take(os, 63 * kPage, &r)) << "an entry of exactly twice the request, a word up";
  EXPECT_EQ(r.base, twice.base);
  os.unmap(r.base, r.bytes);
  const LargeRange small{static_cast<char*>(os.map(40 * kPage)), 40 * kPage, 42};
  cache.give(os, small);
  ASSERT_TRUE(cache.take(os, 64 * kPage, &r)) << "the biggest entry (40 pages) grows to the request";
  EXPECT_EQ(r.bytes, 64 * kPage);
  EXPECT_EQ(r.origin, kFreshOrigin);
  os.unmap(r.base, r.bytes);
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

}  // namespace
}  // namespace hakmem::test
