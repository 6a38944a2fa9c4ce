// The front cache and the spill queue's flow control, observed through the behaviour trace.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "front_cache_checks.h"
#include "slab_list_checks.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

Options with_target(std::uint32_t target) {
  Options o = small_options();
  o.spill_target = target;
  return o;
}

std::vector<TraceEvent> events_of(TracedAllocator& a, Ev kind) {
  std::vector<TraceEvent> out;
  for (const auto& e : a.trace().events)
    if (e.kind == kind) out.push_back(e);
  return out;
}

// n C0 blocks malloced and freed: the frees beyond the front cache's capacity spill. Returns
// the spill queue's length.
std::uint32_t spill_some_c0_blocks(TracedAllocator& a, int n = 300) {
  std::vector<void*> blocks;
  for (int i = 0; i < n; ++i) blocks.push_back(a.malloc(16));
  for (void* p : blocks) a.free(p);
  return a.spill(0).length();
}

TEST(FrontCache, EachClassCachesItsOwnBlocks) { each_class_caches_its_own_blocks<TestAllocator>(); }

TEST(FrontCache, AFreedBlockIsTheNextOneHandedOut) {
  TestAllocator a(small_options());
  void* p = a.malloc(40);
  a.free(p);
  EXPECT_EQ(a.malloc(33), p);  // same class (64 B), LIFO
}

TEST(FrontCache, OverflowPushesToSpillOnlyWhileTheLengthIsBelowTarget) {
  TracedAllocator a(with_target(100));
  std::vector<void*> blocks;
  for (int i = 0; i < 600; ++i) blocks.push_back(a.malloc(16));
  for (void* p : blocks) a.free(p);
  // Capacity 128 for C0: overflows move 64 blocks each. Flow control: 64 to spill (length 0),
  // then 36 (length 64, room 36), then none: the length never passes the target.
  const auto fc = events_of(a, Ev::kFlowControl);
  ASSERT_GE(fc.size(), 3u);
  EXPECT_EQ(fc[0].a, 0u);
  EXPECT_EQ(fc[0].c, 64u);
  EXPECT_EQ(fc[1].a, 64u);
  EXPECT_EQ(fc[1].c, 36u);
  for (std::size_t i = 2; i < fc.size(); ++i) EXPECT_EQ(fc[i].c, 0u) << i;
  EXPECT_EQ(a.spill(0).length(), 100u);
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.spill_blocks[0], 100u);
  EXPECT_EQ(a.drain_spill(), 100u);
  EXPECT_EQ(a.spill(0).length(), 0u);
}

// Refill order: the heap's own free slab blocks (no atomic, in cache), then the shared spill
// queue, then blocks carved anew.
TEST(FrontCache, RefillTakesOwnSlabBlocksBeforeTheSpillQueue) {
  TracedAllocator a(with_target(1000));
  const std::uint32_t spilled = spill_some_c0_blocks(a);
  ASSERT_GT(spilled, 0u);
  a.thread_flush();  // the cache's blocks go back to their slabs; the next malloc refills
  a.trace().events.clear();
  ASSERT_NE(a.malloc(16), nullptr);
  const auto refills = events_of(a, Ev::kRefill);
  ASSERT_EQ(refills.size(), 1u);
  EXPECT_EQ(refills[0].b, 0u);
  EXPECT_EQ(refills[0].c, 64u);  // half the first C0 capacity, all from the slabs' free lists
  EXPECT_EQ(a.spill(0).length(), spilled);
}

TEST(FrontCache, RefillTakesTheSpillQueueBeforeCarving) {
  TracedAllocator a(with_target(1000));
  const std::uint32_t spilled = spill_some_c0_blocks(a, 1000);
  ASSERT_GT(spilled, 64u) << "more than a refill takes";
  // Take back every cached block: no slab holds a free block, so the first refill must come
  // from the spill queue, not from blocks carved anew.
  a.trace().events.clear();
  for (int i = 0; i < 1000 && events_of(a, Ev::kRefill).empty(); ++i) ASSERT_NE(a.malloc(16), nullptr);
  const auto refills = events_of(a, Ev::kRefill);
  ASSERT_EQ(refills.size(), 1u);
  EXPECT_EQ(refills[0].b, 64u);
  EXPECT_EQ(refills[0].c, 0u);
  EXPECT_EQ(a.spill(0).length(), spilled - 64);
}

// A refill walks the free lists of up to kWalkWays slabs side by side (their cache misses
// overlap). Blocks of C2 fill whole slabs, then `frees[i]` blocks of the i-th full slab come back
// (the current slab's list stays empty). Returns how many blocks the next refill took from each
// of those slabs, in their order.
std::vector<std::uint32_t> refill_shares(const std::vector<std::uint32_t>& frees) {
  TestAllocator a(small_options());
  constexpr unsigned cls = tiny_class_of(64);  // 960 or 1024 blocks a slab
  constexpr std::uint32_t batch = kFrontCapacity[cls] / 2;
  std::map<std::uintptr_t, std::vector<void*>> by_slab;
  std::vector<void*> all;
  for (std::uint32_t i = 0; i < batch * 200; ++i) {  // whole refills: the cache ends empty
    void* p = a.malloc(kTinySizes[cls]);
    all.push_back(p);
    by_slab[reinterpret_cast<std::uintptr_t>(p) >> kSlabShift].push_back(p);
  }
  by_slab.erase(reinterpret_cast<std::uintptr_t>(all.back()) >> kSlabShift);  // the current slab
  std::vector<std::uintptr_t> slabs;
  for (std::uint32_t i = 0; i < frees.size(); ++i) {
    auto it = std::next(by_slab.begin(), i);
    slabs.push_back(it->first);
    for (std::uint32_t k = 0; k < frees[i]; ++k) a.free(it->second[k]);
  }
  a.thread_flush();
  a.drain_spill();  // every freed block on its slab's free list
  std::map<std::uintptr_t, std::uint32_t> taken;
  std::vector<void*> reused;
  for (std::uint32_t i = 0; i < batch; ++i) {
    reused.push_back(a.malloc(kTinySizes[cls]));
    ++taken[reinterpret_cast<std::uintptr_t>(reused.back()) >> kSlabShift];
  }
  std::vector<std::uint32_t> shares;
  for (std::uintptr_t s : slabs) shares.push_back(taken[s]);
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  return shares;
}

TEST(FrontCache, ARefillTakesAnEvenShareFromEachOfUpToFourSlabs) {
  static_assert(kWalkWays == 4 && kFrontCapacity[tiny_class_of(64)] / 2 == 64);
  const auto shares = refill_shares({100, 100, 100, 100, 100});
  std::uint32_t slabs = 0;
  for (std::uint32_t n : shares) {
    EXPECT_TRUE(n == 0 || n == 16) << "a slab gave " << n << " blocks";
    slabs += n != 0;
  }
  EXPECT_EQ(slabs, 4u) << "the refill walked " << slabs << " slabs' lists";
}

TEST(FrontCache, SlabsWithLongerListsMakeUpForShortOnes) {
  EXPECT_EQ(refill_shares({2, 3, 5, 300}), (std::vector<std::uint32_t>{2, 3, 5, 54}));
}

// Lists too short to fill the batch between them: further rounds take the next slabs' lists, so
// no free block waits while new ones are carved.
TEST(FrontCache, ARefillTakesEveryFreeSlabBlockBeforeCarving) {
  EXPECT_EQ(refill_shares(std::vector<std::uint32_t>(10, 5)), std::vector<std::uint32_t>(10, 5));
}

TEST(FrontCache, FreedBlocksOfFullSlabsAreFoundAgain) { freed_blocks_of_full_slabs_are_found_again<TestAllocator>(); }

// Growth: an overflow doubles the cache only when the class was refilled since its previous
// overflow (the thread trades blocks both ways), and never beyond kFrontCapacityMax.
TEST(FrontCache, CapacityDoublesAtAnOverflowAfterARefillUpToItsMaximum) {
  TestAllocator a(small_options());
  constexpr unsigned c = tiny_class_of(256);  // 64 slots first, 1024 at most
  static_assert(16 * kFrontCapacity[c] == kFrontCapacityMax[c]);
  std::vector<void*> blocks;
  auto round = [&] {
    for (std::uint32_t i = 0; i < kFrontCapacityMax[c] + 100; ++i) blocks.push_back(a.malloc(256));
    for (void* p : blocks) a.free(p);
    blocks.clear();
  };
  EXPECT_EQ(a.front_capacity(c), 0u) << "a thread with no heap yet has no cache";
  ASSERT_NE(a.malloc(256), nullptr);
  EXPECT_EQ(a.front_capacity(c), kFrontCapacity[c]);
  round();  // refills, then overflows: the first doubles, the later ones (no refill between) do not
  EXPECT_EQ(a.front_capacity(c), 2 * kFrontCapacity[c]);
  round();
  EXPECT_EQ(a.front_capacity(c), 4 * kFrontCapacity[c]);
  round();
  EXPECT_EQ(a.front_capacity(c), kFrontCapacityMax[c] / 2);
  round();
  EXPECT_EQ(a.front_capacity(c), kFrontCapacityMax[c]);
  round();
  EXPECT_EQ(a.front_capacity(c), kFrontCapacityMax[c]) << "never beyond the maximum";
  EXPECT_EQ(a.front_capacity(0), kFrontCapacity[0]) << "other classes keep theirs";
}

// The growth budget: what a heap's caches grow by, in bytes of blocks, is kFrontGrowthBytes at
// most, shared by its classes first come first served. The classes of 640..1024 B grown to their
// maxima take 1.5 MiB, the 512 B class nearly all the rest, and the 384 B class finds none left.
TEST(FrontCache, GrowthStopsWhereTheHeapsBudgetEnds) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  auto round = [&](std::size_t size, std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) blocks.push_back(a.malloc(size));
    for (void* p : blocks) a.free(p);
    blocks.clear();
  };
  std::size_t grown = 0;
  for (std::size_t size : {1024, 896, 768, 640, 512, 448, 384}) {
    const unsigned c = tiny_class_of(size);
    for (int r = 0; r < 8; ++r) round(size, kFrontCapacityMax[c] + 100);
    grown += std::size_t{a.front_capacity(c) - kFrontCapacity[c]} * kTinySizes[c];
  }
  EXPECT_LE(grown, kFrontGrowthBytes);
  EXPECT_GT(grown + 1024 * 512, kFrontGrowthBytes) << "the budget, not the maxima, stopped the growth";
  EXPECT_LT(a.front_capacity(tiny_class_of(384)), kFrontCapacityMax[tiny_class_of(384)]);
}

TEST(FrontCache, TheCapacityDivisorScalesFirstAndMaximumCapacities) {
  Options o = small_options();
  o.front_capacity_divisor = 2;
  TestAllocator a(o);
  constexpr unsigned c = tiny_class_of(1024);
  std::vector<void*> blocks;
  for (int round = 0; round < 8; ++round) {
    for (std::uint32_t i = 0; i < kFrontCapacityMax[c]; ++i) blocks.push_back(a.malloc(1024));
    if (round == 0) {
      EXPECT_EQ(a.front_capacity(c), kFrontCapacity[c] / 2);
    }
    for (void* p : blocks) a.free(p);
    blocks.clear();
  }
  EXPECT_EQ(a.front_capacity(c), kFrontCapacityMax[c] / 2);
}

TEST(FrontCacheDeathTest, ACapacityDivisorThatIsNoPowerOfTwoUpTo8IsRejected) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Options o = small_options();
  o.front_capacity_divisor = 3;
  EXPECT_DEATH(TestAllocator a(o), "front_capacity_divisor must be 1, 2, 4 or 8");
}

TEST(FrontCache, BlocksStayValidAcrossSpillAndDrain) {
  TestAllocator a(with_target(50));
  std::vector<unsigned char*> blocks;
  for (int i = 0; i < 2000; ++i) {
    auto* p = static_cast<unsigned char*>(a.malloc(100));
    std::memset(p, i & 0xff, 100);
    blocks.push_back(p);
  }
  for (int i = 0; i < 2000; i += 2) a.free(blocks[i]);
  a.drain_spill();
  for (int i = 1; i < 2000; i += 2)
    for (int k = 0; k < 100; ++k) ASSERT_EQ(blocks[i][k], i & 0xff) << "block " << i << " byte " << k;
  for (int i = 1; i < 2000; i += 2) a.free(blocks[i]);
  hak_heap_report r;
  a.quiesce();
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.tiny_live_blocks, 0u);
}

}  // namespace
}  // namespace hakmem::test
