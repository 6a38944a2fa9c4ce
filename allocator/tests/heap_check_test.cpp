// The heap check (allocator_check.h) is the oracle of most tests: each of its findings is seen
// here firing on a state corrupted on purpose, and the state is restored before the instance goes.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "process_memory.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

using HeapT = TestAllocator::HeapT;

// The first error of a check that must fail ("" if it passed).
std::string first_error(TestAllocator& a) {
  hak_heap_report r;
  if (a.check(&r) == 0) return "";
  EXPECT_GT(r.errors, 0u);
  return r.first_error;
}

std::string clean(TestAllocator& a) {
  hak_heap_report r;
  return a.check(&r) == 0 ? "" : r.first_error;
}

HeapT& heap_of(void* tiny_block) { return *static_cast<HeapT*>(superslab_of(tiny_block)->owner); }

// Runs `corrupt`, expects the check to name `finding`, then runs `restore` and expects it clean.
template <class Corrupt, class Restore>
void expect_finding(TestAllocator& a, const std::string& finding, Corrupt corrupt, Restore restore) {
  ASSERT_EQ(clean(a), "") << "the state was not clean before";
  corrupt();
  const std::string got = first_error(a);
  EXPECT_NE(got.find(finding), std::string::npos) << "expected \"" << finding << "\", the check said \"" << got << "\"";
  restore();
  EXPECT_EQ(clean(a), "") << "after the restore";
}

// Pushes `p` into the calling thread's front cache of class cls for the corruption.
struct FrontPush {
  FrontCache& f;
  void* p;
  void operator()() const { f.slots[f.count++] = p; }
};

TEST(HeapCheck, ASuperslabWithoutItsMagicIsReported) {
  TestAllocator a(small_options());
  void* p = a.malloc(64);
  SuperslabHeader* ss = superslab_of(p);
  expect_finding(a, "bad magic", [&] { ss->magic = 0; }, [&] { ss->magic = kSuperslabMagic; });
  a.free(p);
}

TEST(HeapCheck, ACachedPointerJustPastTheArenasTopIsOutsideTheArena) {
  TestAllocator a(small_options());
  void* p = a.malloc(64);
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0);
  auto* top = static_cast<char*>(const_cast<void*>(a.arena_base())) + r.superslabs * kSuperslabSize;
  FrontCache& f = heap_of(p).front[tiny_class_of(64)];
  expect_finding(a, "is outside the arena", FrontPush{f, top}, [&] { --f.count; });
  a.free(p);
}

TEST(HeapCheck, APoolBlockInAFrontCacheIsReported) {
  TestAllocator a(small_options());
  void* p = a.malloc(64);
  void* pool = a.malloc(4096);
  FrontCache& f = heap_of(p).front[tiny_class_of(64)];
  expect_finding(a, "lies in a superslab that is not tiny", FrontPush{f, pool}, [&] { --f.count; });
  a.free(pool);
  a.free(p);
}

// An interior pointer, and the first block past the slab's carving (the boundary), are not
// blocks; a carved one that is live lacks the free mark.
TEST(HeapCheck, AFrontCacheHoldingNoFreeCarvedBlockIsReported) {
  TestAllocator a(small_options());
  std::vector<void*> live;
  for (int i = 0; i < 3; ++i) live.push_back(a.malloc(64));
  a.thread_flush();  // the caches empty: carved is what the slab handed out
  const unsigned cls = tiny_class_of(64);
  Slab* s = slab_of(superslab_of(live[0]), live[0]);
  FrontCache& f = heap_of(live[0]).front[cls];
  const auto undo = [&] { --f.count; };
  expect_finding(a, "not a carved block start", FrontPush{f, static_cast<char*>(live[0]) + 16}, undo);
  const std::uint32_t carved = s->carved.load(std::memory_order_relaxed);
  void* first_uncarved = reinterpret_cast<void*>(s->data_start + std::uintptr_t{carved} * s->block_size);
  expect_finding(a, "not a carved block start", FrontPush{f, first_uncarved}, undo);
  expect_finding(a, "lacks the free mark", FrontPush{f, live[1]}, undo);
  for (void* p : live) a.free(p);
}

TEST(HeapCheck, ABlockOnTwoFreeListsIsReported) {
  TestAllocator a(small_options());
  void* keep = a.malloc(64);
  void* p = a.malloc(64);
  a.free(p);  // in the front cache
  FrontCache& f = heap_of(keep).front[tiny_class_of(64)];
  expect_finding(a, "is on two free lists at once", FrontPush{f, p}, [&] { --f.count; });
  a.free(keep);
}

// A pool free list that reaches a block of another class, or that runs in a cycle.
TEST(HeapCheck, APoolFreeListReachingAForeignBlockOrACycleIsReported) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 4; ++i) blocks.push_back(a.malloc(4096));
  void* tiny = a.malloc(64);
  void* next_word = nullptr;
  *static_cast<void**>(tiny) = nullptr;  // where a walk into it stops
  for (void* p : blocks) a.free(p);
  a.thread_flush();  // the blocks on the class's free list, blocks[3] its head
  void*& link = *static_cast<void**>(blocks[1]);  // the oldest-but-one: its next is blocks[0]
  next_word = link;
  ASSERT_EQ(next_word, blocks[0]);
  expect_finding(a, "not in a superslab of the class", [&] { link = tiny; }, [&] { link = next_word; });
  void*& back = *static_cast<void**>(blocks[0]);  // a cycle: blocks[0] leads back to the head
  const auto saved = back;
  expect_finding(a, "links back to", [&] { back = blocks[3]; }, [&] { back = saved; });
  a.free(tiny);
}

// A heap's current slab that is also on its partial list is named twice.
TEST(HeapCheck, ASlabNamedTwiceByAHeapsListsIsReported) {
  TestAllocator a(small_options());
  void* p = a.malloc(64);
  HeapT& h = heap_of(p);
  auto& cs = h.slabs[tiny_class_of(64)];
  ASSERT_NE(cs.current, nullptr);
  ASSERT_EQ(cs.partial, nullptr);
  expect_finding(
      a, "is named twice by its lists", [&] { cs.partial = cs.current; }, [&] { cs.partial = nullptr; });
  // A partial list in a cycle (the slab its own successor): reported once, and the walk stops.
  expect_finding(
      a, "is named twice by its lists",
      [&] {
        cs.partial = cs.current;
        cs.current->next = cs.current;
      },
      [&] {
        cs.current->next = nullptr;
        cs.partial = nullptr;
      });
  expect_finding(
      a, "is no slab record of a tiny superslab",
      [&] { cs.partial = reinterpret_cast<Slab*>(superslab_of(p)->slabs().data() + kSlabsPerSuperslab); },
      [&] { cs.partial = nullptr; });
  a.free(p);
}

// Every pool class is walked, the first included: one live block of each is counted.
TEST(HeapCheck, EveryPoolClassIsCounted) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  for (unsigned c = 0; c < kPoolClassCount; ++c) blocks.push_back(a.malloc(kPoolSizes[c]));
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, kPoolClassCount);
  for (void* p : blocks) a.free(p);
}

// A pointer right at the arena's top (the first byte past its last superslab) in a pool thread
// cache, a heap's slab list or a pool class's free list is reported, not followed.
TEST(HeapCheck, PointersAtTheArenasTopAreReportedWhereverTheyAre) {
  TestAllocator a(small_options());
  void* tiny = a.malloc(64);
  a.free(a.malloc(4096));
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  char* const top = static_cast<char*>(const_cast<void*>(a.arena_base())) + r.superslabs * kSuperslabSize;
  auto& cache = heap_of(tiny).pool_cache[pool_class_of(4096)];
  expect_finding(
      a, "not a block of the class", [&] { cache.slots[cache.count++] = top; }, [&] { --cache.count; });
  auto& lists = heap_of(tiny).slabs[tiny_class_of(64)];
  expect_finding(
      a, "is no slab record of a tiny superslab", [&] { lists.partial = reinterpret_cast<Slab*>(top); },
      [&] { lists.partial = nullptr; });
  // A block on the class's free list linking to the top: the walk must not read the top's words.
  void* m = a.malloc(4096);
  a.free(m);
  a.thread_flush();  // the thread's pool cache, m with it, onto the class's free list
  void*& link = *static_cast<void**>(m);
  void* const saved = link;
  expect_finding(a, "its free list holds", [&] { link = top; }, [&] { link = saved; });
  a.free(tiny);
}

// The oldest slot of a pool thread cache and of a v2 hotbox is checked as every other: a live
// block there (no free canary) is reported.
TEST(HeapCheck, ALiveBlockInTheFirstSlotOfAPoolCacheOrHotboxIsReported) {
  TestAllocator a(small_options());
  void* tiny = a.malloc(64);
  void* live = a.malloc(4096);
  a.thread_flush();
  HeapT& h = heap_of(tiny);
  const unsigned pc = pool_class_of(4096);
  auto& cache = h.pool_cache[pc];
  ASSERT_EQ(cache.count, 0u);
  expect_finding(
      a, "without the free canary", [&] { cache.slots[cache.count++] = live; }, [&] { --cache.count; });
  auto& hot = h.hot[pc];
  ASSERT_EQ(hot.count, 0u);
  expect_finding(a, "without the free canary", [&] { hot.slots[hot.count++] = live; }, [&] { --hot.count; });
  a.free(live);
  a.free(tiny);
}

// Slab records: the first record of a tiny superslab naming a pool class, and the first record of
// a pool superslab with a wrong carved count or data start.
TEST(HeapCheck, TheFirstSlabRecordOfASuperslabIsCheckedToo) {
  TestAllocator a(small_options());
  void* tiny = a.malloc(64);
  void* mid = a.malloc(4096);
  Slab& tiny_first = superslab_of(tiny)->slabs()[0];
  expect_finding(
      a, "superslab's record names pool class", [&] { tiny_first.pool_class = 3; },
      [&] { tiny_first.pool_class = kNoClass; });
  Slab& pool_first = superslab_of(mid)->slabs()[0];
  const std::uint32_t carved = pool_first.carved.load(std::memory_order_relaxed);
  expect_finding(
      a, "blocks carved, its blocks say", [&] { pool_first.carved.store(carved + 1, std::memory_order_relaxed); },
      [&] { pool_first.carved.store(carved, std::memory_order_relaxed); });
  const std::uintptr_t data = pool_first.data_start;  // where free divides from
  expect_finding(
      a, "blocks carved, its blocks say", [&] { pool_first.data_start = data + 16; }, [&] { pool_first.data_start = data; });
  a.free(mid);
  a.free(tiny);
}

// Two partial slabs: the second's back link is checked, so the walk goes past the first.
TEST(HeapCheck, TheWholePartialListIsWalked) {
  TestAllocator a(small_options());
  const unsigned cls = tiny_class_of(1024);
  std::vector<void*> blocks;
  for (int i = 0; i < 200; ++i) blocks.push_back(a.malloc(1024));  // 63-64 a slab: three full slabs, a fourth
  std::vector<Slab*> slabs;
  for (void* p : blocks) {
    Slab* s = slab_of(superslab_of(p), p);
    if (slabs.empty() || slabs.back() != s) slabs.push_back(s);
  }
  ASSERT_GE(slabs.size(), 3u);
  // One block of each of the first two slabs back: both partial.
  for (Slab* s : {slabs[0], slabs[1]})
    for (auto it = blocks.begin(); it != blocks.end(); ++it)
      if (slab_of(superslab_of(*it), *it) == s) {
        a.free(*it);
        blocks.erase(it);
        break;
      }
  a.thread_flush();
  HeapT& h = heap_of(blocks.back());
  Slab* first = h.slabs[cls].partial;
  ASSERT_NE(first, nullptr);
  ASSERT_NE(first->next, nullptr) << "two partial slabs";
  Slab* second = first->next;
  expect_finding(a, "links back to", [&] { second->prev = nullptr; }, [&] { second->prev = first; });
  // Refills take the partial slabs in turn: the list stays well linked as its head leaves it.
  for (int i = 0; i < 200; ++i) blocks.push_back(a.malloc(1024));
  EXPECT_EQ(clean(a), "");
  for (void* p : blocks) a.free(p);
}

// A block on two free lists is found whatever its index in its slab (the check's bitmap).
TEST(HeapCheck, ABlockOnTwoListsIsFoundAtEveryIndexOfAByte) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 24; ++i) blocks.push_back(a.malloc(64));
  void* keep = a.malloc(64);
  for (void* p : blocks) a.free(p);  // the front cache holds 24 consecutive blocks
  FrontCache& f = heap_of(keep).front[tiny_class_of(64)];
  for (void* p : blocks)
    expect_finding(a, "is on two free lists at once", FrontPush{f, p}, [&] { --f.count; });
  a.free(keep);
}

// A remote free delivered to the wrong heap: the heap check names the block and both heaps.
// (The state is left corrupt: the instance is only destroyed after it.)
TEST(HeapCheck, AnInboxHoldingAnotherHeapsBlockIsReported) {
  TestAllocator a(small_options());
  void* mine = a.malloc(64);
  void* theirs = nullptr;
  std::thread([&] { theirs = a.malloc(64); }).join();  // another heap, orphaned with a live block
  ASSERT_EQ(clean(a), "");
  a.free(mine);                         // this thread's front cache holds it
  heap_of(theirs).remote.push(mine);    // and, misdelivered, the other heap's inbox
  const std::string got = first_error(a);
  EXPECT_NE(got.find("remote list of heap"), std::string::npos) << got;
  EXPECT_NE(got.find("belongs to heap"), std::string::npos) << got;
}

// A remote batch gathered for one heap holds only that heap's blocks.
TEST(HeapCheck, ARemoteBatchHoldingAnotherHeapsBlockIsReported) {
  TestAllocator a(small_options());
  void* keep = a.malloc(64);  // this thread's heap
  void* theirs = nullptr;
  std::thread([&] { theirs = a.malloc(64); }).join();  // another heap, orphaned with a live block
  a.free(theirs);  // gathered in this thread's batch for the other heap
  HeapT& mine = heap_of(keep);
  ASSERT_EQ(mine.batch.count, 1u);
  HeapT* const dest = mine.batch.dest;
  expect_finding(a, "remote batch of heap", [&] { mine.batch.dest = &mine; }, [&] { mine.batch.dest = dest; });
  a.free(keep);
}

// A pool-only instance: every superslab of the arena is one class's, and the walk of the
// class's superslab list reaches the last one too.
TEST(HeapCheck, AClassOwningEverySuperslabIsCountedWhole) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 20; ++i) blocks.push_back(a.malloc(kMaxPool));  // two superslabs of 7
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, blocks.size());
  EXPECT_EQ(r.tiny_live_blocks, 0u);
  for (void* p : blocks) a.free(p);
}

// Pool v2's hotboxes sit right after the heap's tiny slab lists: a check with the first class's
// hotbox full walks exactly the tiny classes' lists.
TEST(HeapCheck, AV2HotboxOfTheFirstPoolClassIsNoSlabList) {
  TestAllocator a(small_options());
  a.set_pool_v2(true);
  void* p = a.malloc(kPoolSizes[0]);
  ASSERT_EQ(clean(a), "");
  a.free(p);
  ASSERT_EQ(clean(a), "");
}

// The check's scratch bitmap (a bit per possible block of every slab, a byte per slab) is given
// back: 64 checks in a row grow the address space by less than half of what keeping each one's
// scratch would. (Under ThreadSanitizer the process's own mappings grow by a page a check.)
TEST(HeapCheck, ACheckLeavesNoMappingBehind) {
  TestAllocator a(small_options());
  void* p = a.malloc(64);
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  const std::size_t scratch_pages = (r.superslabs * kSlabsPerSuperslab * (kSlabSize / 16 / 8 + 1) + 1 + 4095) / 4096;
  ASSERT_GE(scratch_pages, 3u);
  constexpr int kChecks = 64;
  const std::size_t before = mapped_address_space();
  for (int i = 0; i < kChecks; ++i) ASSERT_EQ(clean(a), "");
  EXPECT_LT(mapped_address_space() - before, kChecks * scratch_pages * 4096 / 2) << "each check kept its scratch mapping";
  a.free(p);
}

// Blocks waiting in a spill queue are in transit, not live.
TEST(HeapCheck, SpilledBlocksCountInTransit) {
  Options o = small_options();
  o.spill_target = 1000;
  TestAllocator a(o);
  std::vector<void*> blocks;
  for (int i = 0; i < 300; ++i) blocks.push_back(a.malloc(16));
  void* live = a.malloc(16);
  for (void* p : blocks) a.free(p);  // past the front cache's capacity: spilled
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  ASSERT_GT(r.spill_blocks[0], 0u);
  EXPECT_EQ(r.tiny_live_blocks, 1u);
  EXPECT_GE(r.tiny_transit_blocks, r.spill_blocks[0]);
  a.free(live);
}

// The trace's final state: a record per assigned tiny slab and per pool superslab, with their
// carved counts, and one per spill queue and pool class.
TEST(FinalState, RecordsEverySlabEverySuperslabAndEveryQueue) {
  TracedAllocator a(small_options());
  std::vector<void*> blocks;
  for (int i = 0; i < 5; ++i) blocks.push_back(a.malloc(64));
  blocks.push_back(a.malloc(4096));
  a.record_final_state();
  unsigned tiny_slabs = 0, pool_superslabs = 0, queues = 0;
  for (const TraceEvent& e : a.trace().events) {
    if (e.kind == Ev::kFinalSlab && e.path == Path::kSlab) {
      ++tiny_slabs;
      EXPECT_EQ(e.a, tiny_class_of(64));
      EXPECT_GE(e.b, 5u) << "carved";
    } else if (e.kind == Ev::kFinalSlab && e.path == Path::kPoolV1) {
      ++pool_superslabs;
      EXPECT_EQ(e.a, pool_class_of(4096));
      EXPECT_GE(e.b, 1u) << "carved";
    } else if (e.kind == Ev::kFinalQueue) {
      ++queues;
    }
  }
  EXPECT_EQ(tiny_slabs, 1u);
  EXPECT_EQ(pool_superslabs, 1u);
  EXPECT_EQ(queues, kTinyClassCount + kPoolClassCount);
  for (void* p : blocks) a.free(p);
}

}  // namespace
}  // namespace hakmem::test
