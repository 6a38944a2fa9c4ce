// The arena's size and its last superslab (allocator_arena.h): what Options::arena_bytes becomes,
// that every superslab of it serves, that a reservation the OS refuses is a clear fatal error,
// and when a release purges the warm superslabs whose delay ran out.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "process_memory.h"
#include "superslab_cache_checks.h"

namespace hakmem::test {
namespace {

constexpr std::size_t kGiB = std::size_t{1} << 30;

// The arena is whole superslabs, at most 64 GiB (spill links are 32-bit offsets in 16-byte units).
TEST(Arena, ItsSizeIsRoundedDownToSuperslabsAndCappedAt64GiB) {
  const auto arena_of = [](std::size_t asked) {
    Options o = small_options();
    o.arena_bytes = asked;
    TestAllocator a(o);
    return a.options().arena_bytes;
  };
  EXPECT_EQ(arena_of(3 * kSuperslabSize + 12345), 3 * kSuperslabSize);
  EXPECT_EQ(arena_of(256 * kSuperslabSize), 256 * kSuperslabSize);
  EXPECT_EQ(arena_of(48 * kGiB), 48 * kGiB) << "below the cap: as asked";
  EXPECT_EQ(arena_of(64 * kGiB), 64 * kGiB);
  EXPECT_EQ(arena_of(100 * kGiB), 64 * kGiB) << "above the cap: the cap";
}

// Pool blocks of the largest class fill every superslab of a four-superslab arena, the last one
// included, and then malloc fails with ENOMEM.
TEST(Arena, EverySuperslabOfTheArenaServesBlocksUpToTheLast) {
  Options o = small_options();
  o.arena_bytes = 4 * kSuperslabSize;
  TestAllocator a(o);
  std::vector<void*> blocks;
  errno = 0;
  while (void* p = a.malloc(kMaxPool)) blocks.push_back(p);
  EXPECT_EQ(errno, ENOMEM);
  const std::size_t per_superslab = (kSuperslabSize - kHeaderBytes) / kMaxPool;
  EXPECT_EQ(blocks.size(), 4 * per_superslab);
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.superslabs, 4u);
  for (void* p : blocks) a.free(p);
}

// The arena's reservation is the first thing an instance needs; without it there is no heap.
TEST(ArenaDeathTest, AnArenaTheOsWillNotReserveIsAFatalErrorThatSaysSo) {
  EXPECT_DEATH(
      {
        rlimit lim{};
        getrlimit(RLIMIT_AS, &lim);
        lim.rlim_cur = mapped_address_space() + 16 * kGiB;  // room for small mappings, not 32 GiB
        setrlimit(RLIMIT_AS, &lim);
        Options o = small_options();
        o.arena_bytes = 32 * kGiB;
        TestAllocator a(o);
        a.free(a.malloc(16));
      },
      "cannot reserve the arena address space");
}

// A release purges the warm superslabs whose delay has run out, the delay itself included,
// without waiting for the next acquire.
TEST(Arena, AReleasePurgesTheWarmSuperslabsWhoseDelayRanOutToTheMillisecond) {
  TestAllocator a(warm_options(100));
  std::vector<void*> later;  // a superslab's worth of blocks, freed after the delay
  for (std::size_t i = 0; i < kSuperslabSize / 64; ++i) later.push_back(a.malloc(64));
  fill_and_free_superslabs(a, 4);
  const std::uint64_t warm = mapped_of(a);
  g_fake_ms += 100;  // exactly the delay
  for (void* p : later) a.free(p);
  a.thread_flush();  // releases their superslabs: no acquire since
  EXPECT_LE(mapped_of(a) + 2 * kSuperslabSize, warm) << "the expired warm superslabs are still committed";
}

}  // namespace
}  // namespace hakmem::test
