// The large arena: blocks up to 8 MiB carved from 32 MiB chunks, on its own and in the allocator.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "large_arena_checks.h"

namespace hakmem::test {
namespace {

using Arena = LargeArena<StdAtomics>;
constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kPage = Arena::kPage;

// The arena's own recount, as the heap check runs it; the first mismatch fails the test.
void expect_consistent(Arena& arena) {
  arena.check([](const char* fmt, auto... args) {
    char msg[256];
    std::snprintf(msg, sizeof msg, fmt, args...);
    ADD_FAILURE() << msg;
  });
}

char* take(Arena& arena, OsLayer& os, std::size_t bytes, bool* dirty = nullptr) {
  char* p = nullptr;
  bool d = false;
  EXPECT_EQ(arena.take(os, bytes, &p, &d), Arena::Took::kYes) << bytes;
  if (dirty) *dirty = d;
  return p;
}

TEST(LargeArena, FreedNeighboursServeABiggerBlock) {
  freed_neighbours_serve_a_bigger_block<TestAllocator>();
}

TEST(LargeArena, ARunIsTheLowestThatFitsAndKnowsWhetherItHeldData) {
  OsLayer os;
  Arena arena;
  bool dirty = true;
  char* a = take(arena, os, kMiB, &dirty);
  EXPECT_FALSE(dirty) << "fresh pages read as zero";
  char* b = take(arena, os, kMiB);
  char* c = take(arena, os, kMiB);
  EXPECT_EQ(b, a + kMiB);
  EXPECT_EQ(c, b + kMiB);
  arena.give(os, a, kMiB);
  arena.give(os, c, kMiB);
  EXPECT_EQ(take(arena, os, kMiB / 2, &dirty), a) << "first fit: the lowest free run";
  EXPECT_TRUE(dirty);
  EXPECT_EQ(take(arena, os, kMiB, &dirty), c) << "the half run left at a is too small";
  EXPECT_EQ(arena.idle_bytes(), kMiB / 2);
  expect_consistent(arena);
  arena.release(os);
}

TEST(LargeArena, ARunGrowsInPlaceOnlyIntoFreePages) {
  OsLayer os;
  Arena arena;
  char* a = take(arena, os, kMiB);
  char* b = take(arena, os, kMiB);
  EXPECT_FALSE(arena.grow(os, a, kMiB, 2 * kMiB)) << "b is in the way";
  arena.give(os, b, kMiB);
  EXPECT_TRUE(arena.grow(os, a, kMiB, 2 * kMiB)) << "b's pages are free";
  EXPECT_TRUE(arena.grow(os, a, 2 * kMiB, 3 * kMiB)) << "past the frontier: committed";
  EXPECT_EQ(arena.live_bytes(), 3 * kMiB);
  EXPECT_EQ(arena.idle_bytes(), 0u);
  std::memset(a, 1, 3 * kMiB);
  expect_consistent(arena);
  arena.release(os);
}

// A chunk's last page is usable: a run fills a chunk to exactly its end (no second chunk), and a
// run grows to exactly the chunk's end, or to exactly the next used page.
TEST(LargeArena, RunsReachExactlyTheChunksEndAndTheNextUsedPage) {
  OsLayer os;
  Arena arena;
  std::vector<char*> runs;
  for (int i = 0; i < 3; ++i) runs.push_back(take(arena, os, Arena::kMaxBlock));
  const std::size_t rest = (Arena::kChunkPages - 1) * kPage - 3 * Arena::kMaxBlock;  // page 0 is the chunk's
  char* tail = take(arena, os, rest);
  EXPECT_EQ(arena.chunks(), 1u) << "the chunk's last free pages, exactly as many as asked, were skipped";
  arena.give(os, tail, rest);
  char* one = take(arena, os, kPage);
  EXPECT_EQ(one, tail);
  EXPECT_TRUE(arena.grow(os, one, kPage, rest)) << "growing to exactly the chunk's end";
  arena.give(os, one, rest);
  char* x = take(arena, os, kPage);
  char* y = take(arena, os, kPage);  // right after x
  char* z = take(arena, os, kPage);  // right after y
  ASSERT_EQ(y, x + kPage);
  ASSERT_EQ(z, y + kPage);
  EXPECT_FALSE(arena.grow(os, x, kPage, 2 * kPage)) << "y is in the way";
  arena.give(os, y, kPage);
  EXPECT_TRUE(arena.grow(os, x, kPage, 2 * kPage)) << "growing up to exactly z, the next used page";
  EXPECT_FALSE(arena.grow(os, x, 2 * kPage, 3 * kPage)) << "z is in the way";
  expect_consistent(arena);
  arena.release(os);
}

TEST(LargeArena, HoldsNamesTheFreePagesOfItsChunksOnly) {
  OsLayer os;
  Arena arena;
  char* a = take(arena, os, kMiB);
  char* b = take(arena, os, kMiB);
  arena.give(os, a, kMiB);
  EXPECT_TRUE(arena.holds(a)) << "a freed block's page";
  EXPECT_FALSE(arena.holds(b)) << "a live block's page";
  int local = 0;
  EXPECT_FALSE(arena.holds(&local)) << "outside every chunk";
  arena.release(os);
}

// A flush purges every idle page, page 1 included, and no live one between idle ones; purged
// pages taken again are counted as mapped again and reported clean, and freed again they are
// idle (not purged) until the next flush.
TEST(LargeArena, FlushPurgesEveryIdlePageAndPurgedPagesComeBackCleanAndCounted) {
  OsLayer os;
  Arena arena;
  char* a = take(arena, os, kPage);  // page 1: the lowest a block can have
  char* b = take(arena, os, kPage);
  char* c = take(arena, os, kPage);
  char* d = take(arena, os, kPage);  // keeps c's page below the frontier's last
  ASSERT_EQ(b, a + kPage);
  ASSERT_EQ(c, b + kPage);
  ASSERT_EQ(d, c + kPage);
  std::memset(b, 0x5a, kPage);
  const std::uint64_t mapped = os.mapped_bytes();
  arena.give(os, a, kPage);
  arena.give(os, c, kPage);  // idle: pages 1 and 3, with b live between them
  arena.flush(os);
  EXPECT_EQ(arena.idle_bytes(), 0u) << "page 1 was left idle";
  EXPECT_EQ(os.purged_bytes(), 2 * kPage);
  EXPECT_EQ(os.mapped_bytes(), mapped - 2 * kPage);
  EXPECT_EQ(b[0], 0x5a) << "a live page between idle ones was purged";
  EXPECT_EQ(b[kPage - 1], 0x5a);
  expect_consistent(arena);
  bool dirty = true;
  EXPECT_EQ(take(arena, os, kPage, &dirty), a) << "the lowest free page";
  EXPECT_FALSE(dirty) << "a purged page reads zero";
  EXPECT_EQ(os.mapped_bytes(), mapped - kPage) << "a purged page taken again is counted again";
  expect_consistent(arena);
  arena.give(os, a, kPage);
  EXPECT_EQ(arena.idle_bytes(), kPage) << "freed again, it is idle: its purged mark went when it was taken";
  expect_consistent(arena);
  arena.flush(os);
  EXPECT_EQ(os.purged_bytes(), 3 * kPage);
  arena.give(os, b, kPage);
  arena.give(os, d, kPage);
  arena.flush(os);
  EXPECT_EQ(arena.chunks(), 0u);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// The purge bound to the byte: a free purges when the idle bytes pass kIdleMax plus the recent
// live set (a high-water mark that loses 1/64 at each free), and then exactly the whole pages
// that bring them down to kPurgeSlack below it, from the top. The test keeps give()'s
// arithmetic beside the arena as its model.
TEST(LargeArena, AFreePurgesExactlyWhenTheIdleRoomPassesItsBoundAndDownToTheSlack) {
  OsLayer os;
  Arena arena;
  std::size_t live = 0, recent = 0, idle = 0;  // the model
  const auto model_take_warm = [&](std::size_t bytes) {
    idle -= bytes;
    live += bytes;
    if (live > recent) recent = live;
  };
  const auto model_give = [&](std::size_t bytes) {
    idle += bytes;
    live -= bytes;
    const std::size_t decayed = recent - recent / Arena::kRecentDecay;
    recent = live > decayed ? live : decayed;
  };
  std::vector<char*> big;
  for (int i = 0; i < 8; ++i) big.push_back(take(arena, os, Arena::kMaxBlock));  // 3 chunks
  live = recent = 8 * Arena::kMaxBlock;
  for (char* p : big) {
    arena.give(os, p, Arena::kMaxBlock);
    model_give(Arena::kMaxBlock);
  }
  ASSERT_LE(idle, Arena::kIdleMax + recent);
  EXPECT_EQ(os.purged_bytes(), 0u);
  EXPECT_EQ(arena.idle_bytes(), idle);
  // Page-sized blocks from the lowest idle page (warm): each free decays the recent live set.
  int frees = 0;
  for (;;) {
    char* p = take(arena, os, kPage);
    model_take_warm(kPage);
    arena.give(os, p, kPage);
    model_give(kPage);
    ++frees;
    if (idle > Arena::kIdleMax + recent) break;
    ASSERT_EQ(os.purged_bytes(), 0u) << "purged before the bound, at free " << frees;
    ASSERT_EQ(arena.idle_bytes(), idle) << "at free " << frees;
    ASSERT_LT(frees, 1000) << "the bound was never passed";
  }
  const std::size_t target = Arena::kIdleMax + recent - Arena::kPurgeSlack;
  const std::size_t pages = (idle - target + kPage - 1) / kPage;
  EXPECT_EQ(os.purged_bytes(), pages * kPage) << "at free " << frees << ": whole pages down to the slack";
  EXPECT_EQ(arena.idle_bytes(), idle - pages * kPage);
  EXPECT_LE(arena.idle_bytes(), target);
  expect_consistent(arena);
  arena.release(os);
  EXPECT_EQ(os.mapped_bytes(), 0u) << "the teardown purged the idle pages before dropping the chunks";
}

// A live set that swings between 40 MiB and nothing keeps its room: every round takes the same
// pages again (a fixed 32 MiB bound on idle bytes would purge some at each swing, and each of
// them would fault again). Once the live set stays small, frees purge the highest pages first.
TEST(LargeArena, IdleRoomFollowsTheRecentLiveSetAndThenIsPurgedFromTheTop) {
  OsLayer os;
  Arena arena;
  constexpr int kBlocks = 10;
  std::vector<char*> blocks;
  for (int round = 0; round < 20; ++round) {
    const std::uint64_t maps = os.map_calls();
    blocks.clear();
    for (int i = 0; i < kBlocks; ++i) {
      blocks.push_back(take(arena, os, 4 * kMiB));
      std::memset(blocks.back(), round + 1, kPage);
    }
    if (round > 0) {
      EXPECT_EQ(os.map_calls(), maps) << "round " << round << ": committed again";
    }
    for (char* p : blocks) arena.give(os, p, 4 * kMiB);
    EXPECT_EQ(os.purged_bytes(), 0u) << "round " << round << ": the room of the last peak was purged";
  }
  EXPECT_EQ(arena.idle_bytes(), kBlocks * 4 * kMiB);
  // Page-sized blocks from now on: the recent live set decays, and the idle pages beyond the
  // bound go, the highest first.
  for (int i = 0; i < 400; ++i) arena.give(os, take(arena, os, kPage), kPage);
  EXPECT_GT(os.purged_bytes(), 0u);
  EXPECT_LE(arena.idle_bytes(), Arena::kIdleMax);
  EXPECT_EQ(blocks.front()[0], 20) << "the lowest pages keep their data";
  EXPECT_EQ(blocks.back()[0], 0) << "the highest were purged";
  expect_consistent(arena);
  arena.flush(os);
  EXPECT_EQ(arena.idle_bytes(), 0u);
  EXPECT_EQ(arena.chunks(), 0u) << "empty chunks are given back at quiescence";
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

TEST(LargeArena, ACommitFailureLeavesTheArenaAsItWas) {
  OsLayer os;
  Arena arena;
  char* a = take(arena, os, kMiB);
  os.inject_faults(1, 0);
  char* p = nullptr;
  bool dirty;
  EXPECT_EQ(arena.take(os, 2 * kMiB, &p, &dirty), Arena::Took::kOsFailed);
  expect_consistent(arena);
  EXPECT_EQ(arena.live_bytes(), kMiB);
  EXPECT_EQ(take(arena, os, 2 * kMiB), a + kMiB);
  arena.release(os);
}

TEST(LargeArena, PastItsChunksABlockIsMappedAlone) {
  OsLayer os;
  Arena arena;
  // Three 8 MiB runs fit a chunk (its first page is the header).
  const unsigned runs = Arena::kMaxChunks * 3;
  for (unsigned i = 0; i < runs; ++i) take(arena, os, Arena::kMaxBlock);
  EXPECT_EQ(arena.chunks(), Arena::kMaxChunks);
  char* p = nullptr;
  bool dirty;
  EXPECT_EQ(arena.take(os, Arena::kMaxBlock, &p, &dirty), Arena::Took::kNoRoom);
  expect_consistent(arena);
  arena.release(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

TEST(LargeArena, AllocatorBlocksShrinkAndGrowWhereTheyLie) {
  TestAllocator a(small_options());
  auto* p = static_cast<unsigned char*>(a.malloc(kMiB));
  void* next = a.malloc(kMiB);
  for (std::size_t i = 0; i < kMiB; ++i) p[i] = static_cast<unsigned char>(i % 251);
  a.free(next);
  EXPECT_EQ(a.realloc(p, 2 * kMiB), p) << "grown into the freed neighbour";
  EXPECT_EQ(a.realloc(p, 600 << 10), p) << "shrunk below half: the tail's pages go back";
  for (std::size_t i = 0; i < (600 << 10); ++i) ASSERT_EQ(p[i], i % 251) << i;
  void* tail = a.malloc(kMiB / 4);
  EXPECT_GT(tail, static_cast<void*>(p));
  EXPECT_LT(tail, static_cast<void*>(p + 2 * kMiB)) << "the shrunk tail's pages serve the next block";
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  a.free(tail);
  a.free(p);
  a.quiesce();
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.large_live_blocks, 0u);
}

}  // namespace
}  // namespace hakmem::test
