// Checks of the large cache shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include "hakmem/core/atomic_policy.h"
#include "hakmem/core/large_cache.h"

namespace hakmem::test {

// Adjacent ranges join only when they were cut from one OS mapping.
template <class Cache>
void pieces_of_two_mappings_stay_apart() {
  OsLayer os;
  Cache cache;
  constexpr std::size_t kHalf = 64 << 10;
  char* m = static_cast<char*>(os.map(2 * kHalf));
  ASSERT_NE(m, nullptr);
  // Adjacent, but as if from two OS mappings: a remap of their join could span two kernel
  // mappings, which mremap refuses.
  cache.give(os, {m, kHalf, 1});
  cache.give(os, {m + kHalf, kHalf, 2});
  EXPECT_EQ(cache.entries(), 2u) << "ranges of two mappings were joined";
  char* n = static_cast<char*>(os.map(2 * kHalf));
  ASSERT_NE(n, nullptr);
  cache.give(os, {n + kHalf, kHalf, 3});  // pieces of one mapping, the tail first
  cache.give(os, {n, kHalf, 3});
  EXPECT_EQ(cache.entries(), 3u) << "pieces of one mapping were not joined";
  LargeRange r;
  ASSERT_TRUE(cache.take(os, 2 * kHalf, &r));
  EXPECT_EQ(r.base, n);
  EXPECT_EQ(r.bytes, 2 * kHalf);
  EXPECT_EQ(r.origin, 3u);
  os.unmap(r.base, r.bytes);
  cache.flush(os);
  EXPECT_EQ(cache.entries(), 0u);
}

}  // namespace hakmem::test
