// The pool at its edges (allocator_pool.h): a refill takes exactly what it asks for, a pool
// without thread caches hands out and takes back one block at a time, the smallest class that
// purges (two pages), and a class whose superslab is given back while it is being carved.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "hakmem/core/stats.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

hak_heap_report report(TestAllocator& a) {
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  return r;
}

// A pool without thread caches (every malloc and free takes the class's lists), keeping
// `keep_free_bytes` free and giving wholly free superslabs back when `release`.
Options uncached_pool(std::size_t keep_free_bytes, bool release) {
  Options o = small_options();
  o.pool_cache_bytes = 0;
  o.pool_keep_free_bytes = keep_free_bytes;
  o.pool_release = release;
  return o;
}

// n blocks of `size` malloced, then freed and flushed to the class's lists.
std::vector<void*> malloc_free_flush(TestAllocator& a, std::size_t size, int n) {
  std::vector<void*> blocks;
  for (int i = 0; i < n; ++i) blocks.push_back(a.malloc(size));
  for (void* p : blocks) a.free(p);
  a.thread_flush();
  return blocks;
}

// A refill from the class's resident and purged lists takes half the cache's capacity and no
// block more: one handed out, the rest cached, none lost.
TEST(PoolBoundary, ARefillFromTheFreeListsTakesExactlyWhatItAsks) {
  for (bool purged : {false, true}) {
    Options o = small_options();
    o.pool_release = false;
    if (purged) o.pool_keep_free_bytes = 0;  // every free block past the first is purged
    TestAllocator a(o);
    malloc_free_flush(a, 16384, 64);
    const std::uint32_t capacity = a.pool_cache_capacity_of(pool_class_of(16384));
    void* p = a.malloc(16384);
    hak_heap_report r = report(a);
    EXPECT_EQ(r.pool_live_blocks, 1u) << (purged ? "purged" : "resident");
    EXPECT_EQ(r.pool_cached_blocks, (capacity + 1) / 2 - 1) << (purged ? "purged" : "resident");
    a.free(p);
    a.thread_flush();
    EXPECT_EQ(report(a).pool_live_blocks, 0u);
  }
}

// With no thread cache every malloc takes one block from the class and every free gives one back.
TEST(PoolBoundary, WithoutThreadCachesBlocksGoOneByOne) {
  Options o = small_options();
  o.pool_cache_bytes = 0;
  TestAllocator a(o);
  std::vector<void*> blocks;
  for (int i = 0; i < 10; ++i) {
    void* p = a.malloc(5000);
    ASSERT_NE(p, nullptr);
    std::memset(p, i, 5000);
    blocks.push_back(p);
    EXPECT_EQ(report(a).pool_live_blocks, blocks.size());
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    a.free(blocks[i]);
    const hak_heap_report r = report(a);
    EXPECT_EQ(r.pool_live_blocks, blocks.size() - i - 1);
    EXPECT_EQ(r.pool_cached_blocks, 0u);
  }
  void* again = a.malloc(5000);
  EXPECT_EQ(again, blocks.back()) << "the class's free list is LIFO";
  a.free(again);  // handed out live again: its free mark was cleared
  EXPECT_EQ(report(a).pool_live_blocks, 0u);
}

// With one block's bytes to keep and nothing in use, the second block freed is purged: a class
// keeps at least one free block and no more than its keep.
TEST(PoolBoundary, AClassKeepingOneBlockPurgesTheSecondFreed) {
  TestAllocator a(uncached_pool(20480, /*release=*/false));
  ASSERT_EQ(kPoolSizes[pool_class_of(20480)], 20480u);
  void* x = a.malloc(20480);
  void* y = a.malloc(20480);
  std::memset(x, 1, 20480);
  std::memset(y, 1, 20480);
  a.free(x);
  EXPECT_EQ(a.os().purged_bytes(), 0u) << "one free block, one in use: within the keep";
  a.free(y);
  EXPECT_GT(a.os().purged_bytes(), 0u) << "two free blocks, none in use, a keep of one";
  report(a);
}

// A wholly free superslab the class keeps (release off) waits on its empty list; blocks taken
// from it again, resident or purged, take it off, so it is never given back with a block live.
TEST(PoolBoundary, BlocksTakenFromAWhollyFreeSuperslabTakeItOffItsEmptyList) {
  TestAllocator a(uncached_pool(0, /*release=*/false));
  const std::size_t per_superslab = (kSuperslabSize - kHeaderBytes) / 20480;
  std::vector<void*> blocks;  // a first superslab carved to its end, and one block of a second
  for (std::size_t i = 0; i <= per_superslab; ++i) blocks.push_back(a.malloc(20480));
  ASSERT_NE(superslab_of(blocks.front()), superslab_of(blocks.back()));
  for (void* p : blocks) a.free(p);  // the last, the second's, stays resident; the rest purged
  ASSERT_GT(a.os().purged_bytes(), 0u);
  report(a);
  void* resident = a.malloc(20480);
  EXPECT_EQ(resident, blocks.back());
  void* purged = a.malloc(20480);  // from the first superslab, wholly free until now
  EXPECT_EQ(superslab_of(purged), superslab_of(blocks.front()));
  EXPECT_EQ(report(a).pool_live_blocks, 2u);  // the check fails on a listed superslab with live blocks
  a.free(resident);
  a.free(purged);
  report(a);
}

// The same with release on: the first superslab, wholly free once its last blocks were purged,
// goes back to the arena when nothing of the class is in use any more.
TEST(PoolBoundary, ASuperslabWhollyFreeThroughItsPurgedBlocksIsGivenBack) {
  TestAllocator a(uncached_pool(0, /*release=*/true));
  const std::size_t per_superslab = (kSuperslabSize - kHeaderBytes) / 20480;
  std::vector<void*> blocks;
  for (std::size_t i = 0; i <= per_superslab; ++i) blocks.push_back(a.malloc(20480));
  EXPECT_EQ(report(a).superslabs, 2u);
  for (void* p : blocks) a.free(p);
  EXPECT_EQ(report(a).superslabs, 1u) << "the first superslab stayed with the class";
}

// Classes of two pages and more purge the blocks freed past the keep; one page does not.
TEST(PoolBoundary, TheSmallestClassThatPurgesIsTwoPages) {
  for (std::size_t size : {std::size_t{7168}, std::size_t{8192}}) {
    Options o = small_options();
    o.pool_release = false;
    o.pool_keep_free_bytes = 0;
    TestAllocator a(o);
    std::vector<void*> blocks;
    for (int i = 0; i < 64; ++i) {
      blocks.push_back(a.malloc(size));
      std::memset(blocks.back(), 1, size);
    }
    for (void* p : blocks) a.free(p);
    a.thread_flush();
    if (size < 2 * OsLayer::page_size()) {
      EXPECT_EQ(a.os().purged_bytes(), 0u) << size;
    } else {
      EXPECT_GT(a.os().purged_bytes(), 0u) << size;
    }
  }
}

// A class's superslab carved to its end and then wholly freed goes back to the arena; the class
// must not carve from it afterwards.
TEST(PoolBoundary, ASuperslabCarvedToItsEndAndFreedIsNotCarvedAgain) {
  TestAllocator a(uncached_pool(0, /*release=*/true));
  const std::size_t per_superslab = (kSuperslabSize - kHeaderBytes) / kMaxPool;
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < per_superslab; ++i) blocks.push_back(a.malloc(kMaxPool));
  for (void* p : blocks) a.free(p);
  EXPECT_EQ(report(a).superslabs, 0u) << "the wholly free superslab went back";
  void* p = a.malloc(kMaxPool);
  ASSERT_NE(p, nullptr);
  std::memset(p, 3, kMaxPool);
  const hak_heap_report r = report(a);
  EXPECT_EQ(r.pool_live_blocks, 1u);
  EXPECT_EQ(r.superslabs, 1u);
  a.free(p);
}

// Pool v2: the blocks a hotbox refill carved with the one handed out wait free, canary set: the
// heap check sees them clean, and a free of one is a double free.
TEST(PoolBoundaryDeathTest, BlocksWaitingInAV2HotboxAreFree) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TestAllocator a(small_options());
  a.set_pool_v2(true);
  auto* p = static_cast<char*>(a.malloc(6000));
  ASSERT_EQ(a.usable_size(p), 6144u);
  const hak_heap_report r = report(a);
  EXPECT_EQ(r.pool_live_blocks, 1u);
  EXPECT_EQ(r.pool_cached_blocks, kHotboxRefill - 1);
  for (std::uint32_t k = 1; k < kHotboxRefill; ++k)  // carved before p by the same refill
    EXPECT_DEATH(a.free(p - k * 6144), "double free \\(block is already free\\)") << "block " << k << " before p";
  a.free(p);
  void* q = a.malloc(6000);
  EXPECT_EQ(q, p) << "the hotbox is LIFO";
  a.free(q);  // handed out live again: its free mark was cleared
}

// A hotbox refilled from the class's free list (blocks freed there by v1, marked free) hands its
// block out live: freeing it is no double free.
TEST(PoolBoundary, AV2RefillFromTheClassesFreeListHandsOutALiveBlock) {
  TestAllocator a(small_options());
  malloc_free_flush(a, 6000, 8);  // eight free blocks on the class's list
  a.set_pool_v2(true);
  void* q = a.malloc(6000);
  ASSERT_NE(q, nullptr);
  a.free(q);
  EXPECT_EQ(report(a).pool_live_blocks, 0u);
}

// A thread's flush empties the caches and hotboxes of every pool class, the first and the last.
TEST(PoolBoundary, AFlushEmptiesEveryPoolClassesCacheAndHotbox) {
  TestAllocator a(small_options());
  a.free(a.malloc(kPoolSizes[0]));
  a.free(a.malloc(kMaxPool));
  a.set_pool_v2(true);
  a.free(a.malloc(kPoolSizes[0]));
  ASSERT_GT(report(a).pool_cached_blocks, 0u);
  a.thread_flush();
  EXPECT_EQ(report(a).pool_cached_blocks, 0u);
}

// A v2 refill that cannot carve (the arena's commit fails) falls back to v1, which fails too:
// ENOMEM, and the counters say both.
TEST(PoolBoundary, AFailedV2RefillFallsBackToV1AndCountsIt) {
  AllFlagsAllocator a(small_options());
  a.set_pool_v2(true);
  void* keep = a.malloc(64);  // the heap exists: the next OS call is the pool's superslab
  a.os().inject_faults(0, 1);
  errno = 0;
  EXPECT_EQ(a.malloc(6000), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  a.os().inject_faults(0, 0);
  std::uint64_t refill_fail = 0, fallback = 0;
  StatsReader::visit(a.telemetry(), [&](const char* fam, const char* name, int, std::uint64_t v) {
    if (std::strcmp(fam, "POOL_HOTBOX_V2_STATS")) return;
    if (!std::strcmp(name, "alloc_refill_fail")) refill_fail = v;
    if (!std::strcmp(name, "alloc_fallback_v1")) fallback = v;
  });
  EXPECT_EQ(refill_fail, 1u);
  EXPECT_EQ(fallback, 1u);
  a.free(keep);
}

// The trace names the path of a v2 block: the hotbox.
TEST(PoolBoundary, AV2MallocIsTracedAsTheHotboxs) {
  TracedAllocator a(small_options());
  a.set_pool_v2(true);
  void* p = a.malloc(6000);
  int allocs = 0;
  for (const TraceEvent& e : a.trace().events)
    if (e.kind == Ev::kAlloc) {
      ++allocs;
      EXPECT_EQ(e.path, Path::kPoolV2);
      EXPECT_EQ(e.b, 6144u);
    }
  EXPECT_EQ(allocs, 1);
  a.free(p);
}

}  // namespace
}  // namespace hakmem::test
