// Checks of the pool's release of wholly free superslabs, shared by the unit tests and the
// decoys that must fail them.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

// sqlite's shape: one class fills 16 MiB and frees it all, then another class fills as much.
// The first class keeps free blocks up to its keep (2 MiB) plus what rounding to whole
// superslabs leaves, and gives the rest back; the second class takes those superslabs, so the
// footprint does not grow by another 16 MiB. The heap check is clean after each phase (its walk
// of the free lists names any block left listed in a superslab given away), and a second free
// of a block of the first class still aborts.
template <class Alloc>
void pool_class_freed_entirely_gives_its_superslabs_to_another() {
  constexpr std::size_t kPhaseBytes = std::size_t{16} << 20;
  constexpr std::size_t kFirst = 1200, kSecond = 2000;  // the 1280- and 2048-byte classes
  Alloc a(small_options());
  hak_heap_report r{};
  auto fill = [&](std::size_t request, std::vector<char*>& out) {
    for (std::size_t bytes = 0; bytes < kPhaseBytes; bytes += request) {
      auto* p = static_cast<char*>(a.malloc(request));
      ASSERT_NE(p, nullptr);
      std::memset(p, 7, request);
      out.push_back(p);
    }
  };
  const std::uint64_t before = a.os().mapped_bytes();
  std::vector<char*> first, second;
  fill(kFirst, first);
  ASSERT_EQ(a.usable_size(first.front()), 1280u);
  for (char* p : first) a.free(p);
  a.thread_flush();
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, 0u);
  // Kept: the 2 MiB keep, up to a superslab that rounding to whole ones leaves over it, the
  // superslab being carved, and the two empty superslabs the arena keeps committed.
  const std::uint64_t slack = small_options().pool_keep_free_bytes + (2 + small_options().superslab_cache) * kSuperslabSize;
  const std::uint64_t after_free = a.os().mapped_bytes();
  EXPECT_LE(after_free, before + slack) << "the 1280-byte class freed " << (kPhaseBytes >> 20) << " MiB and still holds "
                                        << ((after_free - before) >> 20) << " MiB";
  fill(kSecond, second);
  ASSERT_EQ(a.usable_size(second.front()), 2048u);
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  const std::uint64_t grown = a.os().peak_mapped_bytes() - before;
  EXPECT_LE(grown, kPhaseBytes + kPhaseBytes / 8 + slack)
      << "the 2048-byte class found no superslab the 1280-byte class gave back: the footprint grew by "
      << (grown >> 20) << " MiB over two phases of " << (kPhaseBytes >> 20) << " MiB";
  EXPECT_DEATH(a.free(first.front()), "double free|released region") << "a block freed twice";
  for (char* p : second) a.free(p);
  a.thread_flush();
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, 0u);
}

}  // namespace hakmem::test
