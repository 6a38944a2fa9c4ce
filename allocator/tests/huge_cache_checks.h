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

}  // namespace hakmem::test
