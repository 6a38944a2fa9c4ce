// An instance's lifecycle (allocator_heaps.h): what its Options turn on at construction, that
// its destruction gives back every mapping, thread and key it took, and how a heap is orphaned,
// adopted and flushed around thread exits.
#include <gtest/gtest.h>

#include <dirent.h>
#include <pthread.h>

#include <cstdio>
#include <thread>
#include <vector>

#include "process_memory.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

std::size_t threads_of_this_process() {
  std::size_t n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

// What the process's address space may grow by over the four rounds below without a leak of
// ours: nothing, but ThreadSanitizer's own bookkeeping grows with the mappings it watches
// (~64 KiB a round measured); there a leak must be bigger to show (an arena, a heap, a block).
#if defined(__SANITIZE_THREAD__)
constexpr std::size_t kAddressSpaceSlack = std::size_t{512} << 10;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
constexpr std::size_t kAddressSpaceSlack = std::size_t{512} << 10;
#else
constexpr std::size_t kAddressSpaceSlack = std::size_t{8} << 10;
#endif
#else
constexpr std::size_t kAddressSpaceSlack = std::size_t{8} << 10;
#endif

hak_heap_report report(TestAllocator& a) {
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  return r;
}

// An instance that used every kind of memory, destroyed: its arena, heap and large blocks (live,
// cached, huge and in the large arena) are all unmapped; with its background drainer on, the
// drainer's thread is gone too. (The drainer rounds are kept out of the address-space count:
// a sanitizer keeps some state of every thread that ever ran.)
TEST(Lifecycle, DestructionGivesBackEveryMappingAndTheDrainerThread) {
  const auto use_and_destroy = [](bool large_arena, bool drainer) {
    Options o = small_options();
    o.large_arena = large_arena;
    o.bg_spill = drainer;
    TestAllocator a(o);
    std::vector<void*> live = {a.malloc(64), a.malloc(5000), a.malloc(300000), a.malloc(std::size_t{20} << 20)};
    a.free(a.malloc(400000));                 // a cached mapping or idle arena pages
    a.free(a.malloc(std::size_t{24} << 20));  // the huge cache
    for (void* p : live) ASSERT_NE(p, nullptr);
  };
  use_and_destroy(true, false);  // the first rounds map what the process keeps (gtest's, glibc's)
  use_and_destroy(false, false);
  const std::size_t space = mapped_address_space();
  for (int round = 0; round < 4; ++round) use_and_destroy(round % 2 == 0, false);
  EXPECT_LE(mapped_address_space(), space + kAddressSpaceSlack) << "destroyed instances left mappings behind";
  use_and_destroy(true, true);  // a first thread (a sanitizer starts its own beside it)
  const std::size_t threads = threads_of_this_process();
  for (int round = 0; round < 2; ++round) {
    use_and_destroy(round % 2 == 0, true);
    EXPECT_EQ(threads_of_this_process(), threads) << "round " << round << ": the drainer outlived its instance";
  }
}

TEST(Lifecycle, OptionsPoolV2IsOnFromTheStart) {
  Options o = small_options();
  o.pool_v2 = true;
  TestAllocator a(o);
  EXPECT_TRUE(a.pool_v2());
}

TEST(LifecycleDeathTest, TheCapacityDivisorGoesUpToEight) {
  for (std::uint32_t d : {1u, 2u, 4u, 8u}) {
    Options o = small_options();
    o.front_capacity_divisor = d;
    TestAllocator a(o);
    EXPECT_EQ(a.options().front_capacity_divisor, d);
  }
  Options o = small_options();
  o.front_capacity_divisor = 16;
  EXPECT_DEATH(TestAllocator a(o), "front_capacity_divisor must be 1, 2, 4 or 8");
}

// thread_exit() orphans the calling thread's heap and forgets it: the thread's next malloc adopts
// the orphan instead of using it behind the orphan list's back.
TEST(Lifecycle, ThreadExitOrphansTheHeapAndTheNextMallocAdoptsIt) {
  TestAllocator a(small_options());
  void* p = a.malloc(64);
  a.thread_exit();
  hak_heap_report r = report(a);
  EXPECT_EQ(r.heaps, 1u);
  EXPECT_EQ(r.orphaned_heaps, 1u) << "thread_exit() orphans the heap";
  void* q = a.malloc(64);
  r = report(a);
  EXPECT_EQ(r.heaps, 1u) << "adopted, not made anew";
  EXPECT_EQ(r.orphaned_heaps, 0u) << "the thread still used its orphaned heap";
  a.free(p);
  a.free(q);
}

// A thread that calls thread_exit() and then ends is orphaned once, not again by its exit key.
TEST(Lifecycle, AThreadThatExitedExplicitlyIsOrphanedOnce) {
  TestAllocator a(small_options());
  std::thread([&] {
    a.free(a.malloc(64));
    a.thread_exit();
  }).join();
  const hak_heap_report r = report(a);
  EXPECT_EQ(r.heaps, 1u);
  EXPECT_EQ(r.orphaned_heaps, 1u);
  // On the orphan list once: this thread adopts it, and the next thread gets a heap of its own.
  void* mine = a.malloc(64);
  std::thread([&] { a.free(a.malloc(64)); }).join();
  EXPECT_EQ(report(a).heaps, 2u) << "two threads were given the same heap";
  a.free(mine);
}

// A free that runs in a thread's exit after the allocator orphaned the thread's heap (another
// key's destructor, run after the allocator's) must not attach a heap again: the exit could not
// orphan it a second time for sure. It goes to the owner's inbox alone.
TracedAllocator* g_exit_alloc = nullptr;
void free_at_exit(void* p) { g_exit_alloc->free(p); }

TEST(Lifecycle, AFreeInAThreadsExitAfterItsHeapWasOrphanedAttachesNoHeap) {
  TracedAllocator a(small_options());
  g_exit_alloc = &a;
  pthread_key_t key;  // created after the allocator's exit key: its destructor runs after
  ASSERT_EQ(pthread_key_create(&key, &free_at_exit), 0);
  void* mine = a.malloc(48);  // this thread's block, freed remotely by the exiting thread
  std::thread([&] {
    a.free(a.malloc(48));  // a heap of its own
    pthread_setspecific(key, mine);
  }).join();
  pthread_key_delete(key);
  std::size_t orphaned_at = 0;
  const auto& ev = a.trace().events;
  for (std::size_t i = 0; i < ev.size(); ++i)
    if (ev[i].kind == Ev::kHeapOrphan) orphaned_at = i;
  ASSERT_NE(orphaned_at, 0u) << "the thread's exit orphaned its heap";
  std::size_t attaches = 0, pushes = 0;
  for (std::size_t i = orphaned_at; i < ev.size(); ++i) {
    attaches += ev[i].kind == Ev::kHeapAdopt || ev[i].kind == Ev::kHeapCreate;
    pushes += ev[i].kind == Ev::kRemotePush;
  }
  EXPECT_EQ(attaches, 0u) << "the free after the orphaning attached a heap";
  EXPECT_EQ(pushes, 1u);
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.remote_pending, 1u) << "the block waits in this thread's inbox";
}

// Frees that reached an orphaned heap wait in its inbox; the thread that adopts it collects them
// at once, before it allocates anything.
TEST(Lifecycle, AnAdoptedHeapCollectsTheFreesThatReachedItWhileOrphaned) {
  TestAllocator a(small_options());
  std::vector<void*> blocks;
  std::thread([&] {
    for (int i = 0; i < 100; ++i) blocks.push_back(a.malloc(64));
  }).join();  // orphaned with its blocks live
  std::thread([&] {
    a.thread_exit();  // ended, as far as the allocator knows: its frees attach no heap...
    for (void* p : blocks) a.free(p);  // ...so they go straight to the orphan's inbox
  }).join();
  EXPECT_EQ(report(a).remote_pending, 100u);
  std::thread([&] {
    void* p = a.malloc(5000);  // adopts the orphan; a pool block, so no tiny refill drains it
    const hak_heap_report r = report(a);
    EXPECT_EQ(r.remote_pending, 0u) << "the adopter left the inbox full";
    EXPECT_EQ(r.tiny_live_blocks, 0u);
    a.free(p);
  }).join();
}

// quiesce() flushes the caches of orphaned heaps (no thread will), and of no live thread's.
TEST(Lifecycle, QuiesceFlushesTheCachesOfOrphansOnly) {
  TestAllocator a(small_options());
  std::thread([&] {
    std::vector<void*> blocks;
    for (int i = 0; i < 10; ++i) blocks.push_back(a.malloc(64));
    for (void* p : blocks) a.free(p);  // in its front cache as it exits
  }).join();
  void* own = a.malloc(32);  // adopts the orphan: its cache is this thread's now
  std::thread([&] {
    std::vector<void*> blocks;
    for (int i = 0; i < 10; ++i) blocks.push_back(a.malloc(48));
    for (void* p : blocks) a.free(p);
  }).join();  // a second orphan, its cache full
  a.quiesce();
  const hak_heap_report r = report(a);
  EXPECT_EQ(r.tiny_transit_blocks, 0u) << "a cache was left after quiesce";
  a.free(own);
}

// Each instance of a real-thread context takes a pthread key for its thread-exit hook and gives
// it back: more instances than the process has keys come and go, and the hook still works.
TEST(Lifecycle, InstancesGiveBackTheirThreadExitKeys) {
  Options o = small_options();
  o.arena_bytes = 4 * kSuperslabSize;
  for (int i = 0; i < 1100; ++i) TestAllocator a(o);  // PTHREAD_KEYS_MAX is 1024
  TestAllocator a(o);
  std::thread([&] { a.free(a.malloc(64)); }).join();  // no thread_exit(): the key's hook orphans it
  EXPECT_EQ(report(a).orphaned_heaps, 1u);
}

}  // namespace
}  // namespace hakmem::test
