// Checks of the huge cache (freed mappings over 8 MiB) shared by the unit tests and the decoy
// that must fail them.
#pragma once
#include <gtest/gtest.h>

#include "hakmem/core/atomic_policy.h"
#include "hakmem/core/huge_cache.h"

namespace hakmem::test {

constexpr std::size_t kHugeMiB = std::size_t{1} << 20;

// A freed mapping waits for reuse until the purge delay has passed; the next take or give after
// that unmaps it, so an idle program's big buffers go back to the OS.
template <class Cache>
void huge_mappings_leave_after_the_delay() {
  OsLayer os;
  Cache cache;
  constexpr std::uint32_t kDelay = 1000;
  char* m = static_cast<char*>(os.map(12 * kHugeMiB));
  ASSERT_NE(m, nullptr);
  cache.note_mapped(12 * kHugeMiB);
  cache.give(os, {m, 12 * kHugeMiB, 7}, /*now=*/5000, kDelay);
  LargeRange r;
  ASSERT_TRUE(cache.take(os, 10 * kHugeMiB, &r, 5999, kDelay)) << "a mapping freed within the delay is reused";
  EXPECT_EQ(r.base, m);
  EXPECT_EQ(r.bytes, 12 * kHugeMiB);
  const std::uint64_t mapped = os.mapped_bytes();
  cache.give(os, r, 6000, kDelay);
  EXPECT_FALSE(cache.take(os, 40 * kHugeMiB, &r, 7000, kDelay)) << "nothing fits 40 MiB";
  EXPECT_EQ(cache.entries(), 0u) << "a mapping outlived the purge delay";
  EXPECT_EQ(os.mapped_bytes(), mapped - 12 * kHugeMiB) << "the expired mapping was not unmapped";
  cache.flush(os);
}

// A head cut from an entry and given back while its tail still waits joins it again: one range,
// as mapped, for a request of the whole size. Ranges of two mappings never join, even side by
// side (here two halves of one mapping that claim different origins).
template <class Cache>
void huge_ranges_join_only_within_their_mapping() {
  OsLayer os;
  Cache cache;
  constexpr std::uint64_t kNoClock = Cache::kNoClock;
  char* m = static_cast<char*>(os.map(30 * kHugeMiB));
  ASSERT_NE(m, nullptr);
  cache.give(os, {m, 30 * kHugeMiB, 3}, kNoClock, 1000);
  LargeRange head, whole;
  ASSERT_TRUE(cache.take(os, 10 * kHugeMiB, &head, kNoClock, 1000));
  ASSERT_EQ(head.bytes, 10 * kHugeMiB) << "not a cut";
  cache.give(os, head, kNoClock, 1000);
  EXPECT_EQ(cache.entries(), 1u) << "the head did not join its tail";
  ASSERT_TRUE(cache.take(os, 30 * kHugeMiB, &whole, kNoClock, 1000));
  EXPECT_EQ(whole.base, m);
  EXPECT_EQ(whole.bytes, 30 * kHugeMiB);
  EXPECT_EQ(os.map_calls(), os.unmap_calls() + 1) << "the join left the split counted";
  os.account_split();  // the halves below pretend to be two mappings
  cache.give(os, {m, 15 * kHugeMiB, 4}, kNoClock, 1000);
  cache.give(os, {m + 15 * kHugeMiB, 15 * kHugeMiB, 5}, kNoClock, 1000);
  EXPECT_EQ(cache.entries(), 2u) << "ranges of two mappings were joined";
  cache.flush(os);
  EXPECT_EQ(os.map_calls(), os.unmap_calls());
}

}  // namespace hakmem::test
