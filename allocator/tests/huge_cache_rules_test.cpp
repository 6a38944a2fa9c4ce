// The huge cache's rules at their exact boundaries (huge_cache.h): when an entry is cut rather
// than handed out whole, which entry grows, when a range is too big to keep, how the live bytes
// set the bound, and that removing an entry keeps the others.
#include <gtest/gtest.h>

#include "huge_cache_checks.h"

namespace hakmem::test {
namespace {

using Cache = HugeCache<StdAtomics>;
constexpr std::uint64_t kNoClock = Cache::kNoClock;
constexpr std::size_t kMiB = kHugeMiB;

LargeRange mapped(OsLayer& os, std::size_t bytes, std::uint64_t origin) {
  auto* p = static_cast<char*>(os.map(bytes));
  EXPECT_NE(p, nullptr);
  return {p, bytes, origin};
}

// An entry of exactly twice the request is handed out whole; a page more and it is cut.
TEST(HugeCacheRules, AnEntryIsCutOnlyWhenItsHalfExceedsTheRequest) {
  OsLayer os;
  Cache cache;
  const LargeRange twice = mapped(os, 20 * kMiB, 1);
  cache.give(os, twice, kNoClock, 1000);
  LargeRange r;
  ASSERT_TRUE(cache.take(os, 10 * kMiB, &r, kNoClock, 1000));
  EXPECT_EQ(r.bytes, 20 * kMiB) << "exactly twice: the whole entry";
  os.unmap(r.base, r.bytes);
  const LargeRange more = mapped(os, 20 * kMiB + 8192, 2);
  cache.give(os, more, kNoClock, 1000);
  ASSERT_TRUE(cache.take(os, 10 * kMiB, &r, kNoClock, 1000));
  EXPECT_EQ(r.bytes, 10 * kMiB) << "more than twice: the head, cut";
  EXPECT_EQ(cache.entries(), 1u);
  cache.flush(os);
  os.unmap(r.base, r.bytes);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// No entry holds the request: the biggest grows if it is at least half of it, the oldest of
// equals; an empty cache answers without an OS call.
TEST(HugeCacheRules, TheOldestOfTheBiggestGrowsFromExactlyHalf) {
  OsLayer os;
  Cache cache;
  LargeRange r;
  const std::uint64_t calls = os.map_calls() + os.unmap_calls() + os.failures();
  EXPECT_FALSE(cache.take(os, 20 * kMiB, &r, kNoClock, 1000));
  EXPECT_EQ(os.map_calls() + os.unmap_calls() + os.failures(), calls) << "an empty cache made an OS call";
  const LargeRange older = mapped(os, 10 * kMiB, 1), newer = mapped(os, 10 * kMiB, 2);
  cache.give(os, older, kNoClock, 1000);
  cache.give(os, newer, kNoClock, 1000);
  ASSERT_TRUE(cache.take(os, 20 * kMiB, &r, kNoClock, 1000)) << "10 MiB is exactly half of 20";
  EXPECT_EQ(r.bytes, 20 * kMiB);
  EXPECT_TRUE(cache.holds(newer.base)) << "the newer of the two equals stays";
  EXPECT_FALSE(cache.holds(older.base + 1));
  os.unmap(r.base, r.bytes);
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// A growth the OS refuses: the entry's mapping is unmapped, and the take fails.
TEST(HugeCacheRules, AFailedGrowthGivesTheEntryBack) {
  OsLayer os;
  Cache cache;
  cache.give(os, mapped(os, 10 * kMiB, 1), kNoClock, 1000);
  os.inject_faults(0, 1);
  LargeRange r;
  EXPECT_FALSE(cache.take(os, 16 * kMiB, &r, kNoClock, 1000));
  os.inject_faults(0, 0);
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(os.mapped_bytes(), 0u) << "the entry that failed to grow is still mapped";
}

// The bound is kMinBytes plus half the live bytes: a range of exactly the bound is kept, one
// page more is not; entries leave, oldest first, until the new one fits, the last one too.
TEST(HugeCacheRules, TheBoundIsTheMinimumPlusHalfTheLiveBytesExactly) {
  OsLayer os;
  Cache cache;
  const LargeRange at = mapped(os, Cache::kMinBytes, 1);
  cache.give(os, at, kNoClock, 1000);
  EXPECT_TRUE(cache.holds(at.base)) << "exactly the bound (no live bytes) is kept";
  cache.flush(os);
  const LargeRange over = mapped(os, Cache::kMinBytes + 4096, 2);
  cache.give(os, over, kNoClock, 1000);
  EXPECT_EQ(cache.entries(), 0u) << "a page over the bound is unmapped at once";
  // A range given back leaves the live bytes first: 124 MiB live, 60 given, 64 stay live.
  cache.note_mapped(124 * kMiB);
  const LargeRange half_live = mapped(os, 60 * kMiB, 3);
  cache.give(os, half_live, kNoClock, 1000);
  EXPECT_TRUE(cache.holds(half_live.base)) << "60 MiB under a bound of 32 + 64 / 2";
  cache.flush(os);
  cache.note_mapped(80 * kMiB);
  const LargeRange past = mapped(os, 80 * kMiB, 4);
  cache.give(os, past, kNoClock, 1000);
  EXPECT_EQ(cache.entries(), 0u) << "80 MiB over a bound of 32 + 64 / 2";
  cache.note_freed(64 * kMiB);
  const LargeRange first = mapped(os, 20 * kMiB, 5), second = mapped(os, 20 * kMiB, 6);
  cache.give(os, first, kNoClock, 1000);
  cache.give(os, second, kNoClock, 1000);
  EXPECT_EQ(cache.entries(), 1u) << "40 MiB over a bound of 32: the older leaves";
  EXPECT_TRUE(cache.holds(second.base));
  EXPECT_LE(cache.bytes(), Cache::kMinBytes);
  cache.flush(os);
  const LargeRange x = mapped(os, 16 * kMiB, 7), y = mapped(os, 16 * kMiB, 8);
  cache.give(os, x, kNoClock, 1000);
  cache.give(os, y, kNoClock, 1000);
  EXPECT_EQ(cache.entries(), 2u) << "16 + 16 MiB fill a bound of 32 exactly: both stay";
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// What a take hands out becomes live, and the live bytes set the bound: a whole entry counts its
// own size, a cut its head, a growth the size it grew to, a failed growth nothing. Each phase
// starts from B MiB live (note_mapped) and ends with a probe: a fresh range of S > 32 MiB, given
// with L MiB live, is kept exactly when S <= 32 + (L - S) / 2, i.e. 3S <= 64 + L.
TEST(HugeCacheRules, WhatATakeHandsOutCountsAsLiveForTheBound) {
  OsLayer os;
  Cache cache;
  LargeRange r;
  std::uint64_t origin = 10;
  const auto start = [&](std::size_t live_mib) {
    cache.flush(os);
    cache.note_freed(std::size_t{1} << 40);
    cache.note_mapped(live_mib * kMiB);
  };
  const auto kept = [&](std::size_t mib) {  // the probe
    const LargeRange p = mapped(os, mib * kMiB, origin++);
    cache.give(os, p, kNoClock, 1000);
    return cache.holds(p.base);
  };
  // A whole entry (20 MiB for 15): back to 60 live, so 40 is kept (120 <= 124); 55 would not.
  start(60);
  cache.give(os, mapped(os, 20 * kMiB, origin++), kNoClock, 1000);
  ASSERT_TRUE(cache.take(os, 15 * kMiB, &r, kNoClock, 1000));
  ASSERT_EQ(r.bytes, 20 * kMiB);
  EXPECT_TRUE(kept(40)) << "a whole entry counted as the request, not its size";
  os.unmap(r.base, r.bytes);
  // A cut (20 MiB of a 50 MiB entry, 36 live after the give): 56 live, so 38 is kept (114 <= 120).
  start(86);
  const LargeRange fifty = mapped(os, 50 * kMiB, origin++);
  cache.give(os, fifty, kNoClock, 1000);
  ASSERT_TRUE(cache.holds(fifty.base)) << "50 MiB under a bound of 32 + 36 / 2";
  ASSERT_TRUE(cache.take(os, 20 * kMiB, &r, kNoClock, 1000));
  ASSERT_EQ(r.bytes, 20 * kMiB);
  EXPECT_TRUE(kept(38)) << "a cut not counted as live";
  os.unmap(r.base, r.bytes);
  // A growth (a 10 MiB entry to 16): 46 + 16 = 62 live, so 42 is kept (126 <= 126); 56 would not.
  start(56);
  cache.give(os, mapped(os, 10 * kMiB, origin++), kNoClock, 1000);
  ASSERT_TRUE(cache.take(os, 16 * kMiB, &r, kNoClock, 1000));
  ASSERT_EQ(r.origin, kFreshOrigin) << "grown";
  EXPECT_TRUE(kept(42)) << "a growth counted as the entry's size, or not at all";
  os.unmap(r.base, r.bytes);
  // A growth the OS refuses: 46 live, so 40 is not kept (120 > 110); 62 would keep it.
  start(56);
  cache.give(os, mapped(os, 10 * kMiB, origin++), kNoClock, 1000);
  os.inject_faults(0, 1);
  ASSERT_FALSE(cache.take(os, 16 * kMiB, &r, kNoClock, 1000));
  os.inject_faults(0, 0);
  EXPECT_FALSE(kept(40)) << "a failed growth left its size live";
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// An entry handed out is gone for good: the other half of its mapping, given next to where it
// was, joins nothing.
TEST(HugeCacheRules, AnEntryHandedOutJoinsNothingAfterwards) {
  OsLayer os;
  Cache cache;
  auto* m = static_cast<char*>(os.map(20 * kMiB));
  cache.give(os, {m, 10 * kMiB, 3}, kNoClock, 1000);
  LargeRange r;
  ASSERT_TRUE(cache.take(os, 10 * kMiB, &r, kNoClock, 1000));
  ASSERT_EQ(r.base, m);
  cache.give(os, {m + 10 * kMiB, 10 * kMiB, 3}, kNoClock, 1000);
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.bytes(), 10 * kMiB) << "joined the entry handed out";
  EXPECT_FALSE(cache.holds(m));
  cache.flush(os);
  os.unmap(m, 10 * kMiB);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

// Taking an entry out of the middle keeps every other one, in order.
TEST(HugeCacheRules, RemovingAnEntryKeepsTheOthers) {
  OsLayer os;
  Cache cache;
  cache.note_mapped(200 * kMiB);  // room for the four
  const LargeRange a = mapped(os, 9 * kMiB, 1), b = mapped(os, 10 * kMiB, 2), c = mapped(os, 11 * kMiB, 3),
                   d = mapped(os, 12 * kMiB, 4);
  for (const LargeRange& x : {a, b, c, d}) cache.give(os, x, kNoClock, 1000);
  LargeRange r;
  ASSERT_TRUE(cache.take(os, 10 * kMiB, &r, kNoClock, 1000));
  EXPECT_EQ(r.base, b.base);
  EXPECT_EQ(cache.entries(), 3u);
  for (const LargeRange& x : {a, c, d}) EXPECT_TRUE(cache.holds(x.base + x.bytes - 1)) << x.origin;
  os.unmap(r.base, r.bytes);
  cache.flush(os);
  EXPECT_EQ(os.mapped_bytes(), 0u);
}

}  // namespace
}  // namespace hakmem::test
