// The allocator as a whole through its C++ API: the tiny, pool and large paths, the malloc
// API's edge cases, accounting after quiescence, and the telemetry write-only discipline.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <future>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "bounded_wait.h"
#include "hakmem/core/stats.h"
#include "remote_inbox_checks.h"
#include "slab_colour_checks.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

hak_heap_report checked(TestAllocator& a) {
  hak_heap_report r;
  a.quiesce();
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  return r;
}

TEST(Allocator, TinyBlocksAreAlignedDistinctAndUsable) {
  TestAllocator a(small_options());
  std::vector<void*> ps;
  for (std::size_t size = 0; size <= 1024; size += 7) {
    void* p = a.malloc(size);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u);
    EXPECT_GE(a.usable_size(p), size);
    std::memset(p, 0xAB, a.usable_size(p));
    ps.push_back(p);
  }
  std::sort(ps.begin(), ps.end());
  for (std::size_t i = 1; i < ps.size(); ++i)
    EXPECT_GE(static_cast<char*>(ps[i]) - static_cast<char*>(ps[i - 1]),
              static_cast<std::ptrdiff_t>(a.usable_size(ps[i - 1])));
  for (void* p : ps) a.free(p);
  EXPECT_EQ(checked(a).tiny_live_blocks, 0u);
}

TEST(Allocator, BlocksOfEveryClassStartOnEveryCacheLineOfA4KiBSpan) {
  for (unsigned c = 0; c < kTinyClassCount; ++c) blocks_start_on_every_cache_line<TestAllocator>(c);
}

TEST(Allocator, AlignedRequestsBeyondTheColouredAlignmentAreStillAligned) {
  TestAllocator a(small_options());
  for (std::size_t align : {64, 128, 256, 512, 1024, 4096})
    for (std::size_t size : {40, 100, 700, 1024}) {
      std::vector<void*> held;  // over several slabs, so several colours
      for (int i = 0; i < 200; ++i) {
        void* p = a.aligned_alloc(align, size);
        ASSERT_NE(p, nullptr);
        ASSERT_EQ(reinterpret_cast<std::uintptr_t>(p) % align, 0u) << "aligned_alloc(" << align << ", " << size << ")";
        held.push_back(p);
      }
      for (void* p : held) a.free(p);
    }
}

TEST(Allocator, EveryPathAccountsToZeroAfterQuiescence) {
  TestAllocator a(small_options());
  std::mt19937_64 rng(42);
  std::vector<void*> live;
  for (int i = 0; i < 200000; ++i) {
    if (live.empty() || rng() % 3) {
      const std::size_t size = rng() % 64 == 0 ? rng() % 200000 : rng() % 1025;  // 1 in 64 mid or large (pool blocks fill the test arena)
      void* p = a.malloc(size);
      ASSERT_NE(p, nullptr);
      live.push_back(p);
    } else {
      const std::size_t k = rng() % live.size();
      a.free(live[k]);
      live[k] = live.back();
      live.pop_back();
    }
  }
  hak_heap_report r = checked(a);
  EXPECT_GT(r.tiny_live_blocks + r.pool_live_blocks + r.large_live_blocks, 0u);
  for (void* p : live) a.free(p);
  r = checked(a);
  EXPECT_EQ(r.tiny_live_blocks, 0u);
  EXPECT_EQ(r.pool_live_blocks, 0u);
  EXPECT_EQ(r.large_live_blocks, 0u);
}

TEST(Allocator, RemoteFreesFromAnotherThreadComeBack) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 10000; ++i) blocks.push_back(a.malloc(16 + i % 1000));
  std::thread t([&] {
    for (void* p : blocks) a.free(p);
  });
  t.join();
  hak_heap_report r = checked(a);
  EXPECT_EQ(r.tiny_live_blocks, 0u);
  EXPECT_EQ(r.remote_pending, 0u);
}

// Remote frees wait in the freeing thread's batch (fewer than kRemoteBatch here) until it
// refills, flushes or exits: meanwhile the heap check counts them in transit, not live.
TEST(Allocator, BatchedRemoteFreesAreInTransitUntilTheFreerFlushes) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 20; ++i) blocks.push_back(a.malloc(64));
  std::promise<void> freed, go;
  std::shared_future<void> go_f = go.get_future().share();
  std::thread t([&] {
    void* own = a.malloc(64);  // a heap of its own: its remote frees are batched
    for (void* p : blocks) a.free(p);
    freed.set_value();
    go_f.wait_for(std::chrono::seconds(60));
    a.free(own);
    a.thread_exit();
  });
  const bool ready = freed.get_future().wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  EXPECT_TRUE(ready) << "TIMEOUT: the freeing thread never finished its frees";
  hak_heap_report r;
  if (ready) {
    EXPECT_EQ(a.check(&r), 0) << r.first_error;
    EXPECT_EQ(r.remote_pending, 20u) << "the batch's blocks are in transit";
    EXPECT_EQ(r.tiny_live_blocks, 1u) << "only the freer's own block is live";
    a.thread_flush();  // the owner collects what reached its inbox: nothing, the batch is not full
    EXPECT_EQ(a.check(&r), 0) << r.first_error;
    EXPECT_EQ(r.remote_pending, 20u) << "a batch below kRemoteBatch stays with its freer";
  }
  go.set_value();
  t.join();
  r = checked(a);
  EXPECT_EQ(r.tiny_live_blocks, 0u);
  EXPECT_EQ(r.remote_pending, 0u);
}

// A refill of the freer pushes its gathered remote frees: a thread that keeps allocating does
// not keep another's blocks from it for longer than one refill.
TEST(Allocator, ARefillPushesTheRemoteFreesItsThreadGathered) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 20; ++i) blocks.push_back(a.malloc(64));
  std::promise<void> refilled, go;
  std::shared_future<void> go_f = go.get_future().share();
  std::thread t([&] {
    void* own = a.malloc(64);
    for (void* p : blocks) a.free(p);  // gathered: fewer than kRemoteBatch
    void* other = a.malloc(16);        // a class this thread has not used: a refill
    refilled.set_value();
    go_f.wait_for(std::chrono::seconds(60));
    a.free(own);
    a.free(other);
    a.thread_exit();
  });
  const bool ready = refilled.get_future().wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  EXPECT_TRUE(ready) << "TIMEOUT: the freeing thread never refilled";
  if (ready) {
    a.thread_flush();  // the owner collects its inbox
    hak_heap_report r;
    EXPECT_EQ(a.check(&r), 0) << r.first_error;
    EXPECT_EQ(r.remote_pending, 0u) << "the refill left the gathered frees with their freer";
    EXPECT_EQ(r.tiny_live_blocks, 2u) << "the freer's own two blocks";
  }
  go.set_value();
  t.join();
}

TEST(Allocator, RemoteBatchesOnEveryWayReachTheirSlabs) {
  remote_batches_on_every_way_reach_their_slabs<TestAllocator>();
}

TEST(Allocator, FullBatchesWaitInTheirOwnersInbox) { full_batches_wait_in_their_owners_inbox<TestAllocator>(); }

TEST(Allocator, AThreadThatOnlyFreesGathersItsFrees) { a_thread_that_only_frees_gathers_its_frees<TestAllocator>(); }

TEST(Allocator, ARefillDrainHandsAClassOutLowestAddressFirst) {
  a_refill_drain_hands_a_class_out_lowest_address_first<TestAllocator>();
}

// Production's context policy leaves out the instance compare: only one instance of such a type
// may live at a time, and a second one is a fatal error rather than a shared thread slot.
TEST(AllocatorDeathTest, ASecondLiveSingleInstanceAllocatorIsRejected) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  using Single = Allocator<Config<0, StdAtomics, ProcessTlsContext>>;
  { Single first(small_options()); }
  { Single again(small_options()); }  // one at a time is fine
  EXPECT_DEATH({
    Single a(small_options());
    Single b(small_options());
  }, "a second live instance of a single-instance allocator type");
}

// The shim's free reaches the single instance through its process view (arena bounds, canary
// key and address kept as statics): it takes exactly the pointers in the live instance's arena.
TEST(Allocator, TheProcessViewFreesThePointersInTheLiveSingleInstancesArenaOnly) {
  using Single = Allocator<Config<0, StdAtomics, ProcessTlsContext>>;
  void* stale;
  {
    Single a(small_options());
    void* p = a.malloc(48);
    void* mid = a.malloc(5000);
    EXPECT_TRUE(Single::free_in_arena(p));
    EXPECT_EQ(a.malloc(48), p) << "freed into this thread's front cache";
    EXPECT_TRUE(Single::free_in_arena(p));
    EXPECT_TRUE(Single::free_in_arena(mid)) << "a pool block";
    void* big = a.malloc(1 << 20);
    EXPECT_FALSE(Single::free_in_arena(big)) << "a large block is no arena pointer";
    a.free(big);
    void* volatile none = nullptr;  // opaque: a literal NULL sends GCC's -Warray-bounds down the arena path
    EXPECT_FALSE(Single::free_in_arena(none));
    // The shim's malloc hit takes the block of the size's own class from its front cache.
    for (std::size_t size : {1u, 16u, 17u, 48u, 100u, 1000u, 1024u}) {
      a.free(a.malloc(size));
      void* q = Single::malloc_from_thread_cache(size);
      ASSERT_NE(q, nullptr) << size;
      EXPECT_EQ(a.usable_size(q), kTinySizes[tiny_class_of(size)]) << size;
      a.free(q);
    }
    // A mid size's hit takes the block pool v1's cache holds for its own class, once.
    for (std::size_t size : {1025u, 1280u, 1281u, 5000u, 65536u, 131072u}) {
      void* m = a.malloc(size);
      a.free(m);
      void* q = Single::malloc_from_thread_cache(size);
      EXPECT_EQ(q, m) << size;
      EXPECT_EQ(a.usable_size(q), kPoolSizes[pool_class_of(size)]) << size;
      Single::free_in_arena(q);
    }
    {
      void* m = a.malloc(131072);
      a.free(m);
      EXPECT_EQ(Single::malloc_from_thread_cache(131073), nullptr) << "a large size never takes a pool block";
      a.set_pool_v2(true);
      EXPECT_EQ(Single::malloc_from_thread_cache(131072), nullptr) << "with pool v2 on, the hotbox serves";
      a.set_pool_v2(false);
      EXPECT_EQ(Single::malloc_from_thread_cache(131072), m) << "the cached block, still there";
      a.free(m);
    }
    hak_heap_report rep;
    EXPECT_EQ(a.check(&rep), 0) << rep.first_error;
    EXPECT_EQ(rep.tiny_live_blocks + rep.pool_live_blocks + rep.large_live_blocks, 0u);
    stale = a.malloc(48);
  }
  EXPECT_FALSE(Single::free_in_arena(stale)) << "no instance lives";
}

// tiny_free's first compare also routes pool frees and frees into released superslabs: their
// slab records have no data. A superslab that held tiny blocks and then pool blocks proves it.
namespace {
const void* superslab_base(const void* p) {
  return reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) & ~(kSuperslabSize - 1));
}
// Tiny blocks enough for a superslab and more, all freed and the heap quiesced: the returned
// block's superslab was released (its slabs empty) and is free in the arena.
void* released_tiny_block(TestAllocator& a) {
  std::vector<void*> tiny;
  for (int i = 0; i < 1200; ++i) tiny.push_back(a.malloc(1024));
  for (void* p : tiny) a.free(p);
  a.quiesce();
  EXPECT_FALSE(a.owns(tiny[0])) << "the superslab was not released";
  return tiny[0];
}
}  // namespace

TEST(Allocator, ASuperslabReleasedByTinyBlocksServesPoolBlocksWhoseFreesReachThePool) {
  Options o = small_options();
  o.superslab_cache = 0;
  TestAllocator a(o);
  const void* old = superslab_base(released_tiny_block(a));
  std::vector<void*> mid;
  void* reused = nullptr;
  for (int i = 0; i < 2000 && !reused; ++i) {
    mid.push_back(a.malloc(4000));
    if (superslab_base(mid.back()) == old) reused = mid.back();
  }
  ASSERT_NE(reused, nullptr) << "the pool did not reuse the released superslab";
  for (void* p : mid) a.free(p);
  hak_heap_report r = checked(a);
  EXPECT_EQ(r.pool_live_blocks, 0u);
  EXPECT_EQ(r.tiny_live_blocks, 0u);
  EXPECT_EQ(a.malloc(4000), reused) << "the pool's free list has the block back";
}

// The background drainer (Options::bg_spill): a thread that empties the spill queues the frees
// fill, woken by them; set_bg_spill(false) stops and joins it, set_bg_spill(true) starts it
// again. Waits are bounded (10 s for what takes microseconds); none decides the verdict by time.
namespace {
bool spill_empties(TestAllocator& a, unsigned cls) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::duration<double>(bound_seconds(10));
  while (a.spill(cls).length() != 0) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}
void overflow_into_spill(TestAllocator& a, std::size_t size) {
  std::vector<void*> ps;
  for (int i = 0; i < 400; ++i) ps.push_back(a.malloc(size));
  for (void* p : ps) a.free(p);  // the front cache overflows: part goes to the spill queue
}
}  // namespace

TEST(Allocator, TheBackgroundDrainerEmptiesTheSpillQueueAndStopsAndStartsWhenAsked) {
  Options o = small_options();
  o.bg_spill = true;
  TestAllocator a(o);
  const unsigned c = tiny_class_of(16);
  overflow_into_spill(a, 16);
  EXPECT_TRUE(spill_empties(a, c)) << "the drainer did not empty the spill queue";
  a.set_bg_spill(false);  // returns once the drainer thread is joined
  a.set_bg_spill(true);
  overflow_into_spill(a, 16);
  EXPECT_TRUE(spill_empties(a, c)) << "the restarted drainer did not empty the spill queue";
  a.set_bg_spill(false);
  hak_heap_report r = checked(a);
  EXPECT_EQ(r.tiny_live_blocks, 0u);
}

// The overflow that brings the spill queue to half its target wakes the drainer, though the
// queue is below the target: spill 64 blocks (a quarter of a target of 256: no wake), then 128
// (three quarters: a wake), and the drainer empties it.
TEST(Allocator, TheDrainerIsWokenAtHalfTheSpillTarget) {
  Options o = small_options();
  o.bg_spill = true;
  o.spill_target = 256;
  TestAllocator a(o);
  const unsigned c = tiny_class_of(16);
  std::vector<void*> ps;
  for (std::uint32_t i = 0; i < kFrontCapacity[c] * 3; ++i) ps.push_back(a.malloc(16));
  for (void* p : ps) a.free(p);  // overflows of 64 and then 128 blocks (the cache doubled)
  EXPECT_TRUE(spill_empties(a, c)) << "the drainer slept through a spill queue at half its target";
  a.set_bg_spill(false);
}

// The arena's used part ends exactly at its top: the first byte past it (here the end of the
// one superslab a fresh instance has carved) is no arena pointer, for the shim's process view
// and for the instance's own free (which takes it to the large registry, which rejects it).
TEST(AllocatorDeathTest, TheFirstBytePastTheArenasTopIsNoArenaPointer) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  using Single = Allocator<Config<0, StdAtomics, ProcessTlsContext>>;
  Single a(small_options());
  void* p = a.malloc(48);
  ASSERT_EQ(superslab_base(p), a.arena_base()) << "a fresh arena's first superslab";
  char* top = static_cast<char*>(const_cast<void*>(a.arena_base())) + kSuperslabSize;
  EXPECT_FALSE(a.owns(top));
  EXPECT_FALSE(Single::free_in_arena(top));
  EXPECT_DEATH(a.free(top), "free\\(0x[0-9a-f]+\\): not allocated by hakmem \\(or already freed\\)");
  a.free(p);
}

TEST(AllocatorDeathTest, AFreeIntoAReleasedSuperslabNamesTheReleasedRegion) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH({
    TestAllocator a(small_options());
    a.free(released_tiny_block(a));
  }, "free\\(0x[0-9a-f]+\\): not allocated by hakmem \\(released region\\)");
}

TEST(Allocator, ThreadExitWithLiveBlocksOrphansAndAnotherThreadFreesThem) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  std::thread t([&] {
    for (int i = 0; i < 5000; ++i) blocks.push_back(a.malloc(1 + i % 1024));
  });
  t.join();
  hak_heap_report r = checked(a);
  EXPECT_EQ(r.orphaned_heaps, 1u);
  EXPECT_EQ(r.tiny_live_blocks, 5000u);
  for (void* p : blocks) a.free(p);  // this thread's first free adopts the orphan
  r = checked(a);
  EXPECT_EQ(r.tiny_live_blocks, 0u);
  EXPECT_EQ(r.heaps, 1u) << "a thread that frees adopts an orphan before it makes a heap";
  EXPECT_EQ(r.orphaned_heaps, 0u);
  EXPECT_EQ(r.remote_pending, 0u) << "the adopter's frees of its own blocks are local";
  // The next thread finds no orphan: it makes a heap, which it orphans at its exit.
  std::thread([&] { a.free(a.malloc(8)); }).join();
  r = checked(a);
  EXPECT_EQ(r.heaps, 2u);
  EXPECT_EQ(r.orphaned_heaps, 1u);
}

TEST(Allocator, TelemetryCountsWhenCompiledIn) {
  AllFlagsAllocator a(small_options());
  for (int i = 0; i < 1000; ++i) a.free(a.malloc(1000));
  EXPECT_GT(StatsReader::family_total(a.telemetry(), Flag::TINY_CLASS_STATS), 0u);
  EXPECT_GT(StatsReader::family_total(a.telemetry(), Flag::C7_FREE_COUNT), 0u);
}

}  // namespace
}  // namespace hakmem::test
