// A large block's shape (allocator_large.h): its usable size is its whole pages less the header,
// alignments up to 1 GiB reach the OS and larger ones do not, blocks up to LargeArena::kMaxBlock
// bytes lie in the large arena, and a realloc in place is no new block in the trace.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <cerrno>

#include "hakmem/core/stats.h"
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

// An arena block grows where it lies up to exactly the arena's biggest block.
TEST(LargeBlock, AnArenaBlockGrowsInPlaceUpToExactlyTheArenasMaximum) {
  TestAllocator a(small_options());
  void* p = a.malloc((std::size_t{4} << 20) - kHeader);
  ASSERT_EQ(header_of(p).origin, kArenaOrigin);
  void* q = a.realloc(p, LargeArena<StdAtomics>::kMaxBlock - kHeader);
  EXPECT_EQ(q, p) << "the free pages after it were enough";
  EXPECT_EQ(a.usable_size(q), LargeArena<StdAtomics>::kMaxBlock - kHeader);
  a.free(q);
}

// A mapped block remapped to a new size gets exactly the pages it needs.
TEST(LargeBlock, AMappedBlockIsRemappedToExactlyItsPages) {
  TestAllocator a(cache_options());
  void* p = a.malloc(300000);
  void* q = a.realloc(p, (std::size_t{1} << 20) - kHeader);  // the block then ends at a page end
  ASSERT_NE(q, nullptr);
  EXPECT_NE(header_of(q).origin, kArenaOrigin);
  EXPECT_EQ(a.usable_size(q), (std::size_t{1} << 20) - kHeader);
  a.free(q);
}

// Mappings of exactly LargeCache::kMaxMapping go to the large cache and come back from it; a huge
// one freed while another is live is kept by the huge cache (its bound follows the live bytes).
TEST(LargeBlock, FreedMappingsComeBackFromTheCacheTheirSizeBelongsTo) {
  TestAllocator a(cache_options());
  const std::size_t at_max = LargeCache<StdAtomics>::kMaxMapping - kHeader;
  void* p = a.malloc(at_max);
  a.free(p);
  const std::uint64_t maps = a.os().map_calls();
  void* q = a.malloc(at_max);
  EXPECT_EQ(a.os().map_calls(), maps) << "a mapping of exactly kMaxMapping was not reused";
  EXPECT_EQ(q, p);
  a.free(q);
  const std::size_t huge = std::size_t{40} << 20;
  void* x = a.malloc(huge);
  void* y = a.malloc(huge);
  a.free(x);
  const std::uint64_t huge_maps = a.os().map_calls();
  void* z = a.malloc(huge);
  EXPECT_EQ(a.os().map_calls(), huge_maps) << "40 MiB freed with 40 MiB live: within the huge cache's bound";
  EXPECT_EQ(z, x);
  a.free(y);
  a.free(z);
}

// A realloc whose mapping cannot grow where it lies moves it: a new block, counted and traced as
// the malloc and free of a copying realloc. A page mapped right after the block forces the move.
template <class Alloc>
void* realloc_that_moves(Alloc& a, void* p, std::size_t size) {
  const LargeHeader& h = header_of(p);
  char* const after = static_cast<char*>(h.map_base) + h.map_bytes;
  void* wall = mmap(after, kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  void* q = a.realloc(p, size);
  if (wall != MAP_FAILED) munmap(wall, kPage);
  return q;
}

TEST(LargeBlock, AReallocThatMovesIsANewBlockInTheTraceAndTheCounters) {
  {
    TracedAllocator a(cache_options());
    void* p = a.malloc(std::size_t{1} << 20);
    const std::uint64_t old_region = kLargeRegion | static_cast<std::uint32_t>(header_of(p).sequence);
    const std::size_t before = a.trace().events.size();
    void* q = realloc_that_moves(a, p, std::size_t{2} << 20);
    ASSERT_NE(q, nullptr);
    ASSERT_NE(q, p) << "the page after the mapping did not stop it growing in place";
    std::vector<TraceEvent> moved;  // its block events (the remap itself is an OS event)
    for (std::size_t i = before; i < a.trace().events.size(); ++i)
      if (a.trace().events[i].kind == Ev::kFree || a.trace().events[i].kind == Ev::kAlloc) moved.push_back(a.trace().events[i]);
    ASSERT_EQ(moved.size(), 2u);
    EXPECT_EQ(moved[0].kind, Ev::kFree);
    EXPECT_EQ(moved[0].region, old_region);
    EXPECT_EQ(moved[1].kind, Ev::kAlloc);
    EXPECT_EQ(moved[1].region, kLargeRegion | static_cast<std::uint32_t>(header_of(q).sequence));
    EXPECT_EQ(header_of(q).sequence, (old_region & ~kLargeRegion) + 1) << "the next sequence number";
    void* next = a.malloc(std::size_t{1} << 20);
    EXPECT_EQ(header_of(next).sequence, header_of(q).sequence + 1) << "the move took exactly one number";
    a.free(next);
    a.free(q);
  }
  AllFlagsAllocator a(cache_options());
  const auto count = [&](const char* name) {
    std::uint64_t sum = 0;
    StatsReader::visit(a.telemetry(), [&](const char*, const char* n, int, std::uint64_t v) {
      if (std::string(n) == name) sum += v;
    });
    return sum;
  };
  void* p = a.malloc(std::size_t{1} << 20);
  const std::uint64_t requests = count("no_tiny_class"), frees = count("not_tiny");
  void* q = realloc_that_moves(a, p, std::size_t{2} << 20);
  ASSERT_NE(q, p);
  EXPECT_EQ(count("no_tiny_class"), requests + 1) << "the move counts as a malloc";
  EXPECT_EQ(count("not_tiny"), frees + 1) << "and as a free";
  a.free(q);
}

}  // namespace
}  // namespace hakmem::test
