// The huge cache alone: reuse, cuts, growth by remap, its bounds and the purge delay.
#include "huge_cache_checks.h"
#include "test_config.h"

namespace hakmem::test {
namespace {

using Cache = HugeCache<StdAtomics>;
constexpr std::uint64_t kNoClock = Cache::kNoClock;

TEST(HugeCache, MappingsLeaveAfterTheDelay) { huge_mappings_leave_after_the_delay<Cache>(); }

TEST(HugeCache, RangesJoinOnlyWithinTheirMapping) { huge_ranges_join_only_within_their_mapping<Cache>(); }

// Over twice the request: the head serves, the tail stays cached with its pages, and the next
// request that fits takes the tail; no map, no unmap.
TEST(HugeCache, ABigEntryIsCutAndItsTailServesTheNextRequest) {
  OsLayer os;
  Cache cache;
  char* m = static_cast<char*>(os.map(30 * kHugeMiB));
  ASSERT_NE(m, nullptr);
  cache.give(os, {m, 30 * kHugeMiB, 3}, kNoClock, 1000);
  const std::uint64_t maps = os.map_calls(), unmaps = os.unmap_calls();
  LargeRange head, tail;
  ASSERT_TRUE(cache.take(os, 10 * kHugeMiB, &head, kNoClock, 1000));
  EXPECT_EQ(head.base, m);
  EXPECT_EQ(head.bytes, 10 * kHugeMiB) << "a request pinned more than twice its size";
  EXPECT_EQ(head.origin, 3u);
  ASSERT_TRUE(cache.take(os, 20 * kHugeMiB, &tail, kNoClock, 1000));
  EXPECT_EQ(tail.base, m + 10 * kHugeMiB);
  EXPECT_EQ(tail.bytes, 20 * kHugeMiB);
  EXPECT_EQ(os.unmap_calls(), unmaps);
  EXPECT_EQ(os.map_calls() - os.unmap_calls(), maps + 1 - unmaps) << "the cut counts as one more range to unmap";
  os.unmap(head.base, head.bytes);
  os.unmap(tail.base, tail.bytes);
  EXPECT_EQ(os.map_calls(), os.unmap_calls());
}

// holds() (the bad-free diagnosis) answers for exactly the cached bytes: the first byte of an
// entry yes, the byte past its end no, and a range taken back out of the cache no more.
TEST(HugeCache, HoldsExactlyTheCachedRanges) {
  OsLayer os;
  Cache cache;
  char* m = static_cast<char*>(os.map(24 * kHugeMiB));
  ASSERT_NE(m, nullptr);
  cache.give(os, {m, 16 * kHugeMiB, 1}, kNoClock, 1000);                    // older, bigger
  cache.give(os, {m + 16 * kHugeMiB, 4 * kHugeMiB, 2}, kNoClock, 1000);     // newer, smaller
  EXPECT_TRUE(cache.holds(m));
  EXPECT_TRUE(cache.holds(m + 16 * kHugeMiB - 1));
  EXPECT_TRUE(cache.holds(m + 16 * kHugeMiB));
  EXPECT_FALSE(cache.holds(m + 20 * kHugeMiB)) << "the byte past the last entry is not cached";
  LargeRange r;
  ASSERT_TRUE(cache.take(os, 4 * kHugeMiB, &r, kNoClock, 1000));  // the smaller one, whole
  ASSERT_EQ(r.base, m + 16 * kHugeMiB);
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_FALSE(cache.holds(r.base)) << "a range taken back out is live again, not cached";
  EXPECT_TRUE(cache.holds(m));
  cache.flush(os);
  os.unmap(r.base, r.bytes);
  os.unmap(m + 20 * kHugeMiB, 4 * kHugeMiB);
}

// With none big enough, the biggest entry of at least half the size grows by a remap.
TEST(HugeCache, AnEntryOfHalfTheSizeGrows) {
  OsLayer os;
  Cache cache;
  char* m = static_cast<char*>(os.map(10 * kHugeMiB));
  ASSERT_NE(m, nullptr);
  m[0] = 42;
  cache.give(os, {m, 10 * kHugeMiB, 3}, kNoClock, 1000);
  LargeRange r;
  EXPECT_FALSE(cache.take(os, 21 * kHugeMiB, &r, kNoClock, 1000)) << "grew an entry of under half the size";
  ASSERT_TRUE(cache.take(os, 18 * kHugeMiB, &r, kNoClock, 1000));
  EXPECT_EQ(r.bytes, 18 * kHugeMiB);
  EXPECT_EQ(r.origin, kFreshOrigin);
  EXPECT_EQ(r.base[0], 42) << "the grown mapping lost its pages";
  os.unmap(r.base, r.bytes);
  EXPECT_EQ(cache.entries(), 0u);
}

// Without live blocks the cache keeps kMinBytes at most, the oldest entries leaving first; with
// live blocks, half their bytes more.
TEST(HugeCache, KeepsAtMostItsMinimumPlusHalfTheLiveBytes) {
  OsLayer os;
  Cache cache;
  char* m[4];
  for (auto& p : m) {
    p = static_cast<char*>(os.map(12 * kHugeMiB));
    ASSERT_NE(p, nullptr);
    cache.note_mapped(12 * kHugeMiB);
  }
  for (std::uint64_t i = 0; i < 4; ++i) cache.give(os, {m[i], 12 * kHugeMiB, 1 + i}, kNoClock, 1000);  // 4 mappings
  EXPECT_EQ(cache.entries(), 2u) << "32 MiB holds two entries of 12 MiB";
  EXPECT_EQ(os.mapped_bytes(), 24 * kHugeMiB);
  LargeRange r;
  ASSERT_TRUE(cache.take(os, 12 * kHugeMiB, &r, kNoClock, 1000));
  EXPECT_EQ(r.base, m[3]) << "the newest entries stay";
  cache.note_mapped(140 * kHugeMiB);  // live blocks elsewhere: 100 MiB when the last give comes, so the bound is 82 MiB
  cache.give(os, r, kNoClock, 1000);
  char* big = static_cast<char*>(os.map(40 * kHugeMiB));
  ASSERT_NE(big, nullptr);
  cache.give(os, {big, 40 * kHugeMiB, 9}, kNoClock, 1000);
  EXPECT_EQ(cache.entries(), 3u);
  EXPECT_EQ(cache.bytes(), 64 * kHugeMiB);
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// No clock: entries never expire by time, only by the bounds or flush().
TEST(HugeCache, WithoutAClockNothingExpires) {
  OsLayer os;
  Cache cache;
  char* m = static_cast<char*>(os.map(9 * kHugeMiB));
  ASSERT_NE(m, nullptr);
  cache.give(os, {m, 9 * kHugeMiB, 1}, kNoClock, 0);
  LargeRange r;
  EXPECT_FALSE(cache.take(os, 30 * kHugeMiB, &r, kNoClock, 0));
  EXPECT_EQ(cache.entries(), 1u);
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// Through the allocator: a freed 20 MiB buffer serves the next big malloc with its pages (no new
// mapping); quiesce() gives what waits back to the OS.
TEST(HugeCache, TheAllocatorReusesAFreedBigBufferAndQuiesceGivesItBack) {
  TestAllocator a(small_options());
  hak_heap_report r;
  auto* p = static_cast<char*>(a.malloc(20 * kHugeMiB));
  ASSERT_NE(p, nullptr);
  p[0] = 1;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  const std::uint64_t maps = r.os_map_calls, mapped = r.mapped_bytes;
  a.free(p);
  auto* q = static_cast<char*>(a.malloc(15 * kHugeMiB));
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q, p) << "the freed buffer's mapping was not reused";
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.os_map_calls, maps) << "a new mapping for a request the cache could serve";
  EXPECT_EQ(r.mapped_bytes, mapped);
  a.free(q);
  a.quiesce();
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_LE(r.mapped_bytes + 20 * kHugeMiB, mapped) << "an idle program kept its big buffer mapped";
}

}  // namespace
}  // namespace hakmem::test
