// Checks of the large arena shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include <cstring>

#include "test_config.h"

namespace hakmem::test {

// Blocks freed next to each other make one run that a bigger block then takes, pages and all,
// and the heap check's recount of the arena agrees with the live blocks at every step.
template <class Alloc>
void freed_neighbours_serve_a_bigger_block() {
  Alloc a(small_options());
  constexpr std::size_t kMiB = std::size_t{1} << 20;
  hak_heap_report r;
  char* b[3];
  for (char*& p : b) {
    p = static_cast<char*>(a.malloc(kMiB));
    ASSERT_NE(p, nullptr);
    std::memset(p, 7, kMiB);
  }
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(b[1], b[0] + kMiB + 4096) << "a block's run: its pages, the header's page included";
  a.free(b[0]);
  a.free(b[1]);
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  const std::uint64_t maps = a.os().map_calls();
  const std::uint64_t mapped = a.os().mapped_bytes();
  char* big = static_cast<char*>(a.malloc(2 * kMiB));
  EXPECT_EQ(big, b[0]) << "the two freed runs, joined, are the lowest that fits";
  EXPECT_EQ(a.os().map_calls(), maps) << "no commit: the pages were there";
  EXPECT_EQ(a.os().mapped_bytes(), mapped);
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  a.free(big);
  a.free(b[2]);
  a.quiesce();
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.large_live_blocks, 0u);
}

}  // namespace hakmem::test
