// A large block's shape (allocator_large.h): its usable size is its whole pages less the header,
// alignments up to 1 GiB reach the OS and larger ones do not, blocks up to LargeArena::kMaxBlock
// bytes lie in the large arena, and a realloc in place is no new block in the trace.
#include <gtest/gtest.h>

#include <cerrno>

#include "test_config.h"

namespace hakmem::test {
namespace {

constexpr std::size_t kPage = 4096;
constexpr std::size_t kHeader = sizeof(LargeHeader);

const LargeHeader& header_of(const void* p) {
  return *reinterpret_cast<const LargeHeader*>(static_cast<const char*>(p) - kHeader);
}

// Sizes whose block (size + header) ends right at a page end, one byte past it, and one byte short.
TEST(LargeBlock, ItsUsableSizeIsItsWholePagesLessTheHeader) {
  for (const Options& o : {small_options(), cache_options()}) {
    for (std::size_t pages : {40u, 41u, 300u}) {
      for (std::size_t size : {pages * kPage - kHeader, pages * kPage - kHeader + 1, pages * kPage - kHeader - 1}) {
        TestAllocator a(o);  // fresh each time: a cached mapping may be bigger than asked
        void* p = a.malloc(size);
        void* q = a.aligned_alloc(64, size);  // the header's own alignment: no slack either
        void* r = a.realloc(a.malloc(size / 2), size);  // grown to it by a remap or in place
        ASSERT_TRUE(p && q && r);
        const std::size_t want = ((size + kHeader + kPage - 1) / kPage) * kPage - kHeader;
        EXPECT_EQ(a.usable_size(p), want) << size << " bytes, arena " << o.large_arena;
        EXPECT_EQ(a.usable_size(q), want) << "aligned to 64, " << size << " bytes";
        EXPECT_GE(a.usable_size(r), size);
        a.free(p);
        a.free(q);
        a.free(r);
      }
    }
  }
}

// An alignment of 1 GiB is served (here the OS refuses the mapping); beyond it, ENOMEM up front.
TEST(LargeBlock, AlignmentsUpToOneGiBReachTheOs) {
  TestAllocator a(small_options());
  a.os().inject_faults(0, 1);
  const std::uint64_t before = a.os().failures();
  errno = 0;
  EXPECT_EQ(a.aligned_alloc(std::size_t{1} << 30, 200000), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_GT(a.os().failures(), before) << "1 GiB: the OS was asked";
  const std::uint64_t at = a.os().failures();
  errno = 0;
  EXPECT_EQ(a.aligned_alloc(std::size_t{1} << 31, 200000), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_EQ(a.os().failures(), at) << "2 GiB: refused without an OS call";
  a.os().inject_faults(0, 0);
}

TEST(LargeBlock, BlocksUpToTheArenasMaximumLieInTheLargeArena) {
  TestAllocator a(small_options());
  void* at_max = a.malloc(LargeArena<StdAtomics>::kMaxBlock - kHeader);
  void* past = a.malloc(LargeArena<StdAtomics>::kMaxBlock - kHeader + 1);
  EXPECT_EQ(header_of(at_max).origin, kArenaOrigin) << "exactly kMaxBlock bytes";
  EXPECT_NE(header_of(past).origin, kArenaOrigin) << "one byte more: a mapping of its own";
  a.free(at_max);
  a.free(past);
}

// A shrink of a mapped block stays where it is: the same block for the trace, no free and alloc.
TEST(LargeBlock, AReallocInPlaceIsNoNewBlockInTheTrace) {
  TracedAllocator a(cache_options());
  void* p = a.malloc(std::size_t{4} << 20);
  const std::size_t before = a.trace().events.size();
  void* q = a.realloc(p, std::size_t{1} << 20);
  ASSERT_EQ(q, p);
  for (std::size_t i = before; i < a.trace().events.size(); ++i)
    EXPECT_NE(a.trace().events[i].kind, Ev::kAlloc) << a.trace().events[i].to_string();
  a.free(q);
}

}  // namespace
}  // namespace hakmem::test
