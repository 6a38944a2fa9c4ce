// The behaviour trace's block events as trace.h specifies them: a block is named by its region
// (superslab number) and offset in it, a large block by kLargeRegion | its sequence number; an
// alloc carries the size asked (a pool block: its block size) and the usable size, a free only
// its path. The equivalence check
// compares traces of two instances, so a field both write wrongly alike would pass it: this is
// the check of the fields themselves.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_config.h"

namespace hakmem::test {
namespace {

struct Named {
  std::uint32_t region;
  std::uint64_t offset;
};

Named name_of(TracedAllocator& a, const void* p) {
  const std::uintptr_t off = reinterpret_cast<std::uintptr_t>(p) - reinterpret_cast<std::uintptr_t>(a.arena_base());
  return {static_cast<std::uint32_t>(off / kSuperslabSize), off % kSuperslabSize};
}

// The events of `kind` recorded since `from`.
std::vector<TraceEvent> since(TracedAllocator& a, std::size_t from, Ev kind) {
  std::vector<TraceEvent> out;
  for (std::size_t i = from; i < a.trace().events.size(); ++i)
    if (a.trace().events[i].kind == kind) out.push_back(a.trace().events[i]);
  return out;
}

// The frees since `from` were those of `blocks`, in order: one event each, of `path`, carrying
// only the block.
void expect_one_free_event_each(TracedAllocator& a, std::size_t from, const std::vector<void*>& blocks, Path path) {
  const auto frees = since(a, from, Ev::kFree);
  ASSERT_EQ(frees.size(), blocks.size());
  for (std::size_t i = 0; i < frees.size(); ++i) {
    EXPECT_EQ(frees[i].path, path) << i;
    EXPECT_EQ(frees[i].offset, name_of(a, blocks[i]).offset) << i;
    EXPECT_EQ(frees[i].a, 0u) << i;
    EXPECT_EQ(frees[i].b, 0u) << i;
  }
}

TEST(TraceFormat, ArenaBlocksAreNamedByRegionAndOffset) {
  TracedAllocator a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 3; ++i) blocks.push_back(a.malloc(48));
  blocks.push_back(a.malloc(5000));
  void* v1_block = a.malloc(5000);  // freed below while v1 serves the pool
  a.set_pool_v2(true);
  blocks.push_back(a.malloc(20000));
  const auto allocs_all = since(a, 0, Ev::kAlloc);
  ASSERT_EQ(allocs_all.size(), blocks.size() + 1);
  std::vector<TraceEvent> allocs(allocs_all.begin(), allocs_all.begin() + 4);
  allocs.push_back(allocs_all[5]);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Named n = name_of(a, blocks[i]);
    EXPECT_EQ(allocs[i].region, n.region) << i;
    EXPECT_EQ(allocs[i].offset, n.offset) << i;
    EXPECT_EQ(allocs[i].b, a.usable_size(blocks[i])) << i;
  }
  EXPECT_EQ(allocs[0].a, 48u);
  EXPECT_EQ(allocs[3].a, 5120u) << "the pool path knows the class only: its block size";
  EXPECT_EQ(allocs[4].a, 20480u);
  EXPECT_EQ(allocs[0].path, Path::kFront);
  EXPECT_EQ(allocs[3].path, Path::kPoolV1);
  EXPECT_EQ(allocs[4].path, Path::kPoolV2);
  const std::size_t before = a.trace().events.size();
  for (void* p : blocks) a.free(p);
  const auto frees = since(a, before, Ev::kFree);
  ASSERT_EQ(frees.size(), blocks.size());
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const Named n = name_of(a, blocks[i]);
    EXPECT_EQ(frees[i].region, n.region) << i;
    EXPECT_EQ(frees[i].offset, n.offset) << i;
    EXPECT_EQ(frees[i].a, 0u) << i;
    EXPECT_EQ(frees[i].b, 0u) << i;
    EXPECT_EQ(frees[i].c, 0u) << i;
  }
  EXPECT_EQ(frees[3].path, Path::kPoolV2) << "v2 is on at the free";
  EXPECT_EQ(frees[4].path, Path::kPoolV2);
  a.set_pool_v2(false);
  const std::size_t at = a.trace().events.size();
  a.free(v1_block);
  const auto v1_frees = since(a, at, Ev::kFree);
  ASSERT_EQ(v1_frees.size(), 1u);
  EXPECT_EQ(v1_frees[0].path, Path::kPoolV1);
  EXPECT_EQ(v1_frees[0].offset, name_of(a, v1_block).offset);
  EXPECT_EQ(v1_frees[0].a, 0u);
  EXPECT_EQ(v1_frees[0].b, 0u);
}

// OS calls are in the trace too: a fresh instance's first block commits its first superslab.
TEST(TraceFormat, OsCallsAreRecorded) {
  TracedAllocator a(small_options());
  void* p = a.malloc(64);
  bool committed = false;
  for (const TraceEvent& e : a.trace().events) committed |= e.kind == Ev::kOsCommit && e.region == 0;
  EXPECT_TRUE(committed) << "no commit of superslab 0 in the trace";
  a.free(p);
}

// The last superslab of the arena's top names its blocks as the first does.
TEST(TraceFormat, ABlockInTheTopSuperslabIsAnArenaBlock) {
  TracedAllocator a(small_options());
  void* first = a.malloc(64);
  void* other = a.malloc(4096);  // a pool superslab: the arena's second, its top now
  const auto allocs = since(a, 0, Ev::kAlloc);
  ASSERT_EQ(allocs.size(), 2u);
  EXPECT_EQ(allocs[1].region, name_of(a, other).region);
  EXPECT_EQ(allocs[1].region & kLargeRegion, 0u);
  a.free(first);
  a.free(other);
}

TEST(TraceFormat, LargeBlocksAreNamedByTheirSequence) {
  TracedAllocator a(cache_options());
  void* p = a.malloc(300000);
  void* q = a.malloc(300000);
  const std::size_t before = a.trace().events.size();
  a.free(p);
  a.free(q);
  const auto allocs = since(a, 0, Ev::kAlloc), frees = since(a, before, Ev::kFree);
  ASSERT_EQ(allocs.size(), 2u);
  ASSERT_EQ(frees.size(), 2u);
  EXPECT_EQ(allocs[0].region, kLargeRegion | 0u);
  EXPECT_EQ(allocs[1].region, kLargeRegion | 1u);
  EXPECT_EQ(frees[0].region, allocs[0].region);
  EXPECT_EQ(frees[1].region, allocs[1].region);
  for (const auto& e : {allocs[0], allocs[1], frees[0], frees[1]}) {
    EXPECT_EQ(e.offset, 0u);
    EXPECT_EQ(e.path, Path::kLarge);
  }
  EXPECT_EQ(frees[0].a, 0u);
  EXPECT_EQ(frees[0].b, 0u);
}

// A free from another thread is traced as a remote push of the block, with no sizes.
TEST(TraceFormat, ARemoteFreeIsTracedAsAPushOfTheBlock) {
  TracedAllocator a(small_options());
  void* p = a.malloc(64);
  const std::size_t before = a.trace().events.size();
  std::thread([&] { a.free(p); }).join();
  const auto pushes = since(a, before, Ev::kRemotePush);
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].region, name_of(a, p).region);
  EXPECT_EQ(pushes[0].offset, name_of(a, p).offset);
  EXPECT_EQ(pushes[0].a, 0u);
  EXPECT_EQ(pushes[0].b, 0u);
}

// A front cache's overflow records its flow-control decision (the length it saw, the target, the
// blocks pushed to the spill queue) and what went back to the slabs: together its older half.
TEST(TraceFormat, AnOverflowRecordsItsSpillAndWhatWentBackToTheSlabs) {
  TracedAllocator a(small_options());
  const unsigned c16 = tiny_class_of(16);
  const std::uint32_t capacity = a.front_capacity(c16) ? a.front_capacity(c16) : kFrontCapacity[c16];
  std::vector<void*> blocks;
  for (std::uint32_t i = 0; i <= capacity; ++i) blocks.push_back(a.malloc(16));
  ASSERT_EQ(a.front_capacity(c16), capacity);
  const std::size_t before = a.trace().events.size();
  for (void* p : blocks) a.free(p);  // the last free finds the cache full
  const auto flows = since(a, before, Ev::kFlowControl), returns = since(a, before, Ev::kSlabReturn);
  ASSERT_EQ(flows.size(), 1u);
  ASSERT_EQ(returns.size(), 1u);
  EXPECT_EQ(flows[0].cls, c16);
  EXPECT_EQ(flows[0].a, 0u) << "the spill queue was empty";
  EXPECT_EQ(flows[0].b, small_options().spill_target);
  EXPECT_EQ(flows[0].c, std::min<std::uint64_t>(capacity / 2, small_options().spill_target));
  EXPECT_EQ(returns[0].cls, c16);
  EXPECT_EQ(flows[0].c + returns[0].a, capacity / 2) << "the older half left the cache";
  expect_one_free_event_each(a, before, blocks, Path::kFront);  // the overflowing free too
}

// A pool free into a full cache is one event of v1, as a free into a cache with room: the
// cache's overflow gives the older half to the class without events of its own.
TEST(TraceFormat, APoolFreeIntoAFullCacheIsOneEventOfV1) {
  TracedAllocator a(small_options());
  std::vector<void*> blocks;
  for (std::uint32_t i = 0; i < 2 * kPoolCacheMax; ++i) blocks.push_back(a.malloc(5000));
  const std::size_t before = a.trace().events.size();
  for (void* p : blocks) a.free(p);  // more than the cache holds: some find it full
  expect_one_free_event_each(a, before, blocks, Path::kPoolV1);
}

// A refill records where its blocks came from; a flush records what each cache gave back and
// how many remote frees it collected; a drain of the spill queue records what it moved.
TEST(TraceFormat, RefillsFlushesAndDrainsRecordTheirCounts) {
  TracedAllocator a(small_options());
  const unsigned c16 = tiny_class_of(16);
  void* first = a.malloc(16);  // the first refill: all from new slab blocks
  auto refills = since(a, 0, Ev::kRefill);
  ASSERT_EQ(refills.size(), 1u);
  EXPECT_EQ(refills[0].cls, c16);
  EXPECT_EQ(refills[0].a, 0u) << "no remote frees were waiting";
  EXPECT_EQ(refills[0].b, 0u) << "nothing in the spill queue";
  EXPECT_EQ(refills[0].c, kFrontCapacity[c16] / 2);
  EXPECT_TRUE(since(a, 0, Ev::kRemoteDrain).empty()) << "an empty inbox drained nothing";
  std::vector<void*> mine;
  for (int i = 0; i < 3; ++i) mine.push_back(a.malloc(16));
  std::thread([&] {
    for (void* p : mine) a.free(p);  // remote frees, batched, pushed when the thread exits
    a.thread_exit();
  }).join();
  const std::size_t before = a.trace().events.size();
  a.thread_flush();
  const auto drains = since(a, before, Ev::kRemoteDrain), returns = since(a, before, Ev::kSlabReturn);
  ASSERT_EQ(drains.size(), 1u);
  EXPECT_EQ(drains[0].a, 3u) << "the three remote frees";
  EXPECT_EQ(drains[0].b, 0u) << "a flush's drain puts nothing into the caches";
  ASSERT_EQ(returns.size(), 1u) << "one class's cache held blocks";
  EXPECT_EQ(returns[0].cls, c16);
  EXPECT_EQ(returns[0].a, kFrontCapacity[c16] / 2 - 4) << "what the first refill left in the cache";
  EXPECT_EQ(returns[0].b, 1u) << "a flush's return";
  a.free(first);
}

// A refill's drain records how many of the blocks it took went into the front caches: all of
// them while the caches have room.
TEST(TraceFormat, ARefillsDrainRecordsTheBlocksItCached) {
  TracedAllocator a(small_options());
  std::vector<void*> mine;
  for (int i = 0; i < 5; ++i) mine.push_back(a.malloc(16));
  a.thread_flush();  // the 16 B cache empty: the next malloc refills
  std::thread([&] {
    for (void* p : mine) a.free(p);
  }).join();  // its exit pushed the batch
  const std::size_t before = a.trace().events.size();
  a.free(a.malloc(16));
  const auto drains = since(a, before, Ev::kRemoteDrain);
  ASSERT_EQ(drains.size(), 1u);
  EXPECT_EQ(drains[0].a, 5u);
  EXPECT_EQ(drains[0].b, 5u) << "every drained block fitted in its cache";
  const auto refills = since(a, before, Ev::kRefill);
  ASSERT_EQ(refills.size(), 1u);
  EXPECT_EQ(refills[0].a, 5u);
}

// A thread without a heap frees a block of the orphaned heap it then adopts: the free is local,
// to the block's slab, recorded as a free of path slab carrying only the block.
TEST(TraceFormat, AFreeThatAdoptsTheBlocksOwnerIsASlabFree) {
  TracedAllocator a(small_options());
  void* block = nullptr;
  std::thread([&] { block = a.malloc(48); }).join();  // orphaned with the block live
  const std::size_t before = a.trace().events.size();
  a.free(block);
  ASSERT_EQ(since(a, before, Ev::kHeapAdopt).size(), 1u) << "the free adopted the orphan";
  EXPECT_TRUE(since(a, before, Ev::kRemotePush).empty());
  expect_one_free_event_each(a, before, {block}, Path::kSlab);
}

TEST(TraceFormat, ADrainOfTheSpillQueueRecordsWhatItMovedPerClass) {
  Options o = small_options();
  o.spill_target = 1000;
  TracedAllocator a(o);
  const unsigned c16 = tiny_class_of(16);
  std::vector<void*> blocks;
  for (std::uint32_t i = 0; i <= kFrontCapacity[c16]; ++i) blocks.push_back(a.malloc(16));
  for (void* p : blocks) a.free(p);  // one overflow: half the cache to the spill queue
  const std::size_t before = a.trace().events.size();
  const std::size_t moved = a.drain_spill();
  EXPECT_EQ(moved, kFrontCapacity[c16] / 2);
  const auto drains = since(a, before, Ev::kSpillDrain);
  ASSERT_EQ(drains.size(), 1u) << "one class had spilled blocks";
  EXPECT_EQ(drains[0].cls, c16);
  EXPECT_EQ(drains[0].a, moved);
}

}  // namespace
}  // namespace hakmem::test
