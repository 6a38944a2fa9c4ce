// The malloc API's documented policies at their boundaries (allocator_api.h): when realloc keeps
// a block, how much a growing large block gets, which requests reach the OS, what alignment
// memalign asks for, and which block kind calloc and aligned_alloc use.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "test_config.h"

namespace hakmem::test {
namespace {

std::size_t live_blocks(TestAllocator& a) {
  a.quiesce();
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  return r.tiny_live_blocks + r.pool_live_blocks + r.large_live_blocks;
}

// A large block's usable size: its pages, less the header that precedes it.
std::size_t large_usable(std::size_t n) {
  const std::size_t header = sizeof(LargeHeader);
  return ((n + header + 4095) & ~std::size_t{4095}) - header;
}

TEST(Api, ReallocToZeroFreesTheBlockAndReturnsNull) {
  TestAllocator a(small_options());
  for (std::size_t size : {40u, 5000u, 300000u}) {
    void* p = a.malloc(size);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(a.realloc(p, 0), nullptr) << size;
    EXPECT_EQ(live_blocks(a), 0u) << "realloc(p, 0) of a " << size << "-byte block leaves it live";
  }
}

// A block keeps its address while the new size fits it: tiny and pool blocks whatever the new
// size, a large block down to half its usable size (below that it would waste most of its pages).
TEST(Api, ReallocKeepsABlockThatStillFits) {
  TestAllocator a(small_options());
  for (std::size_t size : {std::size_t{40}, std::size_t{5000}, kMaxPool, std::size_t{300000}}) {
    void* p = a.malloc(size);
    const std::size_t have = a.usable_size(p);
    EXPECT_EQ(a.realloc(p, have), p) << "exactly its usable size, block of " << size;
    a.free(p);
  }
  void* top = a.malloc(kMaxPool);  // the largest pool class
  ASSERT_EQ(a.usable_size(top), kMaxPool);
  EXPECT_EQ(a.realloc(top, 16), top) << "a pool block shrinks in place";
  a.free(top);

  void* big = a.malloc(1 << 20);
  const std::size_t have = a.usable_size(big);
  EXPECT_EQ(a.realloc(big, have / 2), big) << "a large block shrunk to exactly half stays";
  EXPECT_EQ(a.usable_size(big), have) << "... whole";
  void* smaller = a.realloc(big, have / 2 - 4096);
  EXPECT_LT(a.usable_size(smaller), have) << "a large block shrunk below half gives its tail back";
  a.free(smaller);
  EXPECT_EQ(live_blocks(a), 0u);
}

// A large block growing by less than half again gets a quarter more than asked (appends then
// move it O(log n) times); by half or more, or from the pool, exactly what it asks (to
// whole pages).
TEST(Api, ReallocGivesALargeBlockGrowingByLessThanHalfAQuarterMore) {
  TestAllocator a(small_options());
  // The usable size after growing a block of `from` bytes by grow(its usable size) bytes.
  const auto grown = [&](std::size_t from, auto grow, std::size_t* to) {
    void* p = a.malloc(from);
    const std::size_t have = a.usable_size(p);
    *to = have + grow(have);
    void* q = a.realloc(p, *to);
    EXPECT_NE(q, nullptr);
    const std::size_t got = a.usable_size(q);
    a.free(q);
    return got;
  };
  std::size_t to = 0;
  const std::size_t mib = std::size_t{1} << 20;
  for (auto grow : {+[](std::size_t) { return std::size_t{4096}; },         // by little
                    +[](std::size_t have) { return have / 2 - 16; }}) {     // by just under half
    const std::size_t got = grown(mib, grow, &to);
    EXPECT_GE(got, to + to / 4) << "grown to " << to;
    EXPECT_LE(got, large_usable(to + to / 4)) << "grown to " << to;
  }
  for (auto grow : {+[](std::size_t have) { return have / 2; },  // by exactly half
                    +[](std::size_t have) { return have * 2; }}) {
    const std::size_t got = grown(mib, grow, &to);
    EXPECT_EQ(got, large_usable(to)) << "grown to " << to;
  }
  const std::size_t got = grown(kMaxPool, [](std::size_t) { return std::size_t{4096}; }, &to);
  EXPECT_EQ(got, large_usable(to)) << "a pool block grows by exactly what it asks";
  EXPECT_EQ(live_blocks(a), 0u);
}

// From kRemapMinCopy bytes to keep up, a large block is resized where it is (its tail given back
// or grown); a smaller one is copied into a block of its new size.
TEST(Api, ALargeBlockIsResizedInPlaceFromTheRemapThresholdAndCopiedBelowIt) {
  TestAllocator a(small_options());
  void* p = a.malloc(std::size_t{1} << 20);
  void* q = a.realloc(p, kRemapMinCopy);
  EXPECT_EQ(q, p) << "shrunk to exactly kRemapMinCopy: in place";
  void* r = a.realloc(q, kRemapMinCopy / 4);
  EXPECT_NE(r, q) << "shrunk below kRemapMinCopy: copied";
  a.free(r);
  EXPECT_EQ(live_blocks(a), 0u);
}

// Requests up to kMaxRequest go to the OS (and fail there when it has no room); one byte more is
// refused up front, with no OS call.
TEST(Api, RequestsUpToTheLimitReachTheOsAndBeyondItAreRefusedUpFront) {
  TestAllocator a(small_options());
  a.os().inject_faults(0, 1);  // every map fails: a request that reaches the OS is seen failing
  const auto ask = [&](auto&& call) {
    const std::uint64_t before = a.os().failures();
    errno = 0;
    EXPECT_EQ(call(), nullptr);
    EXPECT_EQ(errno, ENOMEM);
    return a.os().failures() - before;
  };
  EXPECT_GT(ask([&] { return a.malloc(kMaxRequest); }), 0u) << "malloc at the limit";
  EXPECT_EQ(ask([&] { return a.malloc(kMaxRequest + 1); }), 0u) << "malloc past the limit";
  EXPECT_GT(ask([&] { return a.calloc(1, kMaxRequest); }), 0u) << "calloc at the limit";
  EXPECT_EQ(ask([&] { return a.calloc(1, kMaxRequest + 1); }), 0u) << "calloc past the limit";
  EXPECT_GT(ask([&] { return a.aligned_alloc(64, kMaxRequest); }), 0u) << "aligned_alloc at the limit";
  EXPECT_EQ(ask([&] { return a.aligned_alloc(64, kMaxRequest + 1); }), 0u) << "aligned_alloc past the limit";
  a.os().inject_faults(0, 0);
}

// memalign: alignments up to 2^40 are served (here the OS refuses the mapping: ENOMEM), larger
// ones are EINVAL; a power of two is used as is, anything else rounded up to the next one.
TEST(Api, MemalignTakesPowersOfTwoAsTheyAreAndRefusesBeyondTwoToTheForty) {
  TestAllocator a(small_options());
  for (std::size_t align : {std::size_t{4} << 10, std::size_t{8} << 10, std::size_t{64} << 10}) {
    void* m = a.memalign(align, 100);
    void* x = a.aligned_alloc(align, 100);
    EXPECT_EQ(a.usable_size(m), a.usable_size(x)) << "memalign over-aligns " << align;
    void* r = a.memalign(align - align / 4, 100);  // rounded up to align
    EXPECT_EQ(a.usable_size(r), a.usable_size(x)) << "memalign of " << align - align / 4;
    a.free(m);
    a.free(x);
    a.free(r);
  }
  a.os().inject_faults(0, 1);
  const std::size_t limit = std::size_t{1} << 40;
  errno = 0;
  EXPECT_EQ(a.memalign(limit, 16), nullptr);
  EXPECT_EQ(errno, ENOMEM) << "an alignment of 2^40 is valid; only the mapping fails";
  errno = 0;
  EXPECT_EQ(a.memalign(limit + 1, 16), nullptr);
  EXPECT_EQ(errno, EINVAL) << "beyond 2^40";
  a.os().inject_faults(0, 0);
  EXPECT_EQ(live_blocks(a), 0u);
}

// Every power of two is a valid alignment for aligned_alloc, 1 included (C11 7.22.3.1).
TEST(Api, AlignedAllocAcceptsEveryPowerOfTwoAndNothingElse) {
  TestAllocator a(small_options());
  for (std::size_t align = 1; align <= (std::size_t{1} << 16); align <<= 1) {
    void* p = a.aligned_alloc(align, 24);
    ASSERT_NE(p, nullptr) << align;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % align, 0u) << align;
    a.free(p);
  }
  for (std::size_t align : {0u, 3u, 6u, 12u, 24u, 48u, 100u}) {
    errno = 0;
    EXPECT_EQ(a.aligned_alloc(align, 24), nullptr) << align;
    EXPECT_EQ(errno, EINVAL) << align;
  }
}

// pvalloc: page-aligned, and at least the size rounded up to whole pages (one page for 0).
TEST(Api, PvallocGivesWholePages) {
  TestAllocator a(small_options());
  for (std::size_t size : {0u, 1u, 4096u, 4097u, 5000u, 200000u, 204800u}) {
    void* p = a.pvalloc(size);
    ASSERT_NE(p, nullptr) << size;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 4096, 0u) << size;
    const std::size_t pages = size ? (size + 4095) / 4096 : 1;
    EXPECT_GE(a.usable_size(p), pages * 4096) << size;
    if (size <= 8192) {  // 4 and 8 KiB are pool classes, page-aligned: the block is exactly the pages
      EXPECT_EQ(a.usable_size(p), pages * 4096) << size;
    }
    a.free(p);
  }
}

// calloc takes its block where malloc would: the largest pool class from the pool.
TEST(Api, CallocOfTheLargestPoolSizeComesFromThePool) {
  TestAllocator a(small_options());
  void* p = a.calloc(1, kMaxPool);
  hak_heap_report r;
  ASSERT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, 1u);
  EXPECT_EQ(r.large_live_blocks, 0u);
  a.free(p);
}

// The trace records an aligned tiny malloc as malloc records one: requested and block size.
TEST(Api, AnAlignedTinyMallocIsTracedWithItsSizes) {
  TracedAllocator a(small_options());
  void* p = a.aligned_alloc(32, 40);
  ASSERT_NE(p, nullptr);
  int allocs = 0;
  for (const TraceEvent& e : a.trace().events)
    if (e.kind == Ev::kAlloc) {
      ++allocs;
      EXPECT_EQ(e.a, 40u);
      EXPECT_EQ(e.b, 64u);  // the smallest class of 40 bytes or more whose blocks are 32-aligned
    }
  EXPECT_EQ(allocs, 1);
  a.free(p);
}

}  // namespace
}  // namespace hakmem::test
