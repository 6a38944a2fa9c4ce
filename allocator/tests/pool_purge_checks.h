// Checks of the pool's purge shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cstring>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

// Pages of [p, p + bytes) (page-aligned) in memory.
inline std::size_t resident_pages(const char* p, std::size_t bytes) {
  const std::size_t page = OsLayer::page_size();
  std::vector<unsigned char> in(bytes / page);
  if (mincore(const_cast<char*>(p), bytes, in.data()) != 0) return ~std::size_t{0};
  std::size_t n = 0;
  for (unsigned char v : in) n += v & 1;
  return n;
}

// A class keeps resident free blocks up to Options::pool_keep_free_bytes or as many as are in use; past
// that a free purges the oldest free ones (their pages after the first, which keeps the canary:
// a double free is still caught). Freeing 3 x the keep one by one: nothing is purged while half
// or less is free, then the resident list follows what is in use down to the keep, so the
// oldest two thirds end purged (once the thread's cache is flushed: the class counts the blocks
// cached as in use). Reuse takes the newest resident block first. (The release of wholly free
// superslabs is off: pool_release_checks.h tests it.)
template <class Alloc>
void pool_blocks_freed_beyond_the_keep_are_purged() {
  constexpr std::size_t kBlock = 131072;  // the biggest pool class
  constexpr std::size_t kRequest = 120000;
  constexpr std::size_t kPage = 4096;
  const std::size_t keep_bytes = small_options().pool_keep_free_bytes;
  const std::size_t kept = keep_bytes / kBlock;
  const std::size_t beyond = 2 * kept;
  Options o = small_options();
  o.pool_release = false;
  Alloc a(o);
  std::vector<char*> blocks;
  for (std::size_t i = 0; i < kept + beyond; ++i) {
    auto* p = static_cast<char*>(a.malloc(kRequest));
    ASSERT_NE(p, nullptr);
    ASSERT_EQ(a.usable_size(p), kBlock) << "120000 bytes come from the pool's biggest class";
    std::memset(p, 1, kRequest);
    blocks.push_back(p);
  }
  const std::size_t touched = (kRequest + kPage - 1) / kPage - 1;  // pages after the first
  for (char* p : blocks) a.free(p);
  a.thread_flush();  // the thread's pool cache holds the last blocks freed
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::size_t resident = resident_pages(blocks[i] + kPage, kBlock - kPage);
    if (i < beyond)
      EXPECT_EQ(resident, 0u) << "block " << i << ", among the oldest " << beyond << " freed past the keep of "
                              << (keep_bytes >> 20) << " MiB, still has " << resident << " of its "
                              << touched << " pages resident";
    else
      EXPECT_EQ(resident, touched) << "block " << i << ", among the newest " << kept << " freed, lost pages";
  }
  EXPECT_EQ(a.os().purged_bytes(), beyond * (kBlock - kPage));
  EXPECT_DEATH(a.free(blocks.front()), "double free") << "a purged block keeps its canary";
  void* again = a.malloc(kRequest);
  EXPECT_EQ(again, blocks.back()) << "reuse starts with the newest resident block";
  a.free(again);
}

}  // namespace hakmem::test
