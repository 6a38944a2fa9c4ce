// Checks of pool v1's thread caches shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include "test_config.h"

namespace hakmem::test {

// A cache refill carves more blocks than the malloc takes; those wait in the thread's cache and
// must already carry the free canary: the heap check says so, and a free of one (never handed
// out) aborts instead of caching the block a second time.
template <class Alloc>
void pool_cache_blocks_carry_the_free_canary() {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  constexpr std::size_t kBlock = 6144;  // capacity 16 at the default 128 KiB: refills of 8
  Alloc a(small_options());
  auto* p = static_cast<char*>(a.malloc(6000));
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(a.usable_size(p), kBlock);
  hak_heap_report r{};
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, 1u) << "blocks waiting in the cache are not live";
  char* cached = p + kBlock;  // carved with p by the same refill, never handed out
  EXPECT_DEATH(a.free(cached), "free\\(0x[0-9a-f]+\\): double free \\(block is already free\\)")
      << "the free of a block the cache holds but never handed out";
  a.free(p);
}

}  // namespace hakmem::test
