// The malloc family's C/POSIX contract, through the plain API (so, under LD_PRELOAD, hakmem's
// shim): errno, alignment, usable size, realloc, calloc, reallocarray and the page allocators.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "active_allocator.h"

namespace {

using preload::opaque;
using preload::opaque_size;

// Sizes that reach every hakmem tier: tiny classes, mid-size pool, large (own mapping).
const std::vector<size_t> kSizes = {0,    1,    15,   16,    17,    100,   512,    1000,   1024,
                                    1025, 2048, 4000, 16384, 32768, 32769, 100000, 1 << 20};

bool aligned_to(const void* p, size_t a) { return reinterpret_cast<uintptr_t>(p) % a == 0; }

void fill(void* p, size_t n, unsigned char seed) {
  auto* b = static_cast<unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<unsigned char>(seed + i * 7);
}

bool holds(const void* p, size_t n, unsigned char seed) {
  auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i)
    if (b[i] != static_cast<unsigned char>(seed + i * 7)) return false;
  return true;
}

bool all_zero(const void* p, size_t n) {
  auto* b = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < n; ++i)
    if (b[i]) return false;
  return true;
}

// ---- errno ------------------------------------------------------------------------------------

TEST(Errno, HugeMallocIsEnomem) {
  for (size_t n : {SIZE_MAX, SIZE_MAX / 2, SIZE_MAX - 4096, size_t{1} << 62}) {
    errno = 0;
    EXPECT_EQ(std::malloc(opaque_size(n)), nullptr) << n;
    EXPECT_EQ(errno, ENOMEM) << n;
  }
}

TEST(Errno, HugeAlignedRequestsAreEnomem) {
  errno = 0;
  EXPECT_EQ(aligned_alloc(64, opaque_size(SIZE_MAX / 2 & ~size_t{63})), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  errno = 0;
  EXPECT_EQ(memalign(4096, opaque_size(SIZE_MAX / 2)), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  void* out = &out;  // must stay untouched on failure
  EXPECT_EQ(posix_memalign(&out, 64, opaque_size(SIZE_MAX / 2)), ENOMEM);
  EXPECT_EQ(out, &out);
}

TEST(Errno, HugeReallocIsEnomemAndKeepsTheBlock) {
  void* p = std::malloc(100);
  ASSERT_NE(p, nullptr);
  fill(p, 100, 3);
  errno = 0;
  // opaque(): a failed realloc leaves p valid, which gcc's use-after-free check cannot know.
  EXPECT_EQ(std::realloc(opaque(p), opaque_size(SIZE_MAX / 2)), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_TRUE(holds(p, 100, 3));
  std::free(p);
}

TEST(Errno, PosixMemalignBadAlignmentIsEinvalWithoutTouchingErrnoOrOut) {
  // POSIX: the error is the return value; *memptr is left unmodified; errno is not the channel.
  for (size_t a : {size_t{0}, size_t{1}, size_t{4}, size_t{3}, size_t{24}, size_t{48},
                   sizeof(void*) + 1, (size_t{1} << 20) + 8}) {
    void* out = &out;
    errno = 12345;
    EXPECT_EQ(posix_memalign(&out, opaque_size(a), 64), EINVAL) << "alignment " << a;
    EXPECT_EQ(out, &out) << "alignment " << a;
    EXPECT_EQ(errno, 12345) << "alignment " << a;
  }
}

TEST(Errno, PosixMemalignSuccessLeavesErrnoAlone) {
  void* out = nullptr;
  errno = 12345;
  ASSERT_EQ(posix_memalign(&out, 64, 100), 0);
  EXPECT_EQ(errno, 12345);
  std::free(out);
}

TEST(Errno, AlignedAllocBadAlignmentIsEinval) {
  if (!preload::kExpectHakmem)
    GTEST_SKIP() << "glibc < 2.38 treats aligned_alloc like memalign and rounds the alignment up";
  for (size_t a : {size_t{0}, size_t{3}, size_t{24}, size_t{100}, (size_t{1} << 20) + 16}) {
    errno = 0;
    EXPECT_EQ(aligned_alloc(opaque_size(a), 256), nullptr) << "alignment " << a;
    EXPECT_EQ(errno, EINVAL) << "alignment " << a;
  }
}

// ---- alignment and usable size ----------------------------------------------------------------

TEST(Alignment, MallocIsSixteenAligned) {
  std::vector<void*> blocks;
  for (int round = 0; round < 8; ++round)
    for (size_t n : kSizes) {
      void* p = std::malloc(n);
      ASSERT_NE(p, nullptr) << n;
      EXPECT_TRUE(aligned_to(p, 16)) << p << " size " << n;
      blocks.push_back(p);
    }
  for (void* p : blocks) std::free(p);
}

TEST(Alignment, AlignedRequestsUpToOneMiB) {
  const size_t sizes[] = {1, 16, 100, 1000, 4096, 5000, 40000, 300000};
  for (size_t a = 16; a <= (size_t{1} << 20); a <<= 1)
    for (size_t n : sizes) {
      void* p1 = nullptr;
      ASSERT_EQ(posix_memalign(&p1, a, n), 0) << a << " " << n;
      void* p2 = aligned_alloc(a, n);
      void* p3 = memalign(a, n);
      for (void* p : {p1, p2, p3}) {
        ASSERT_NE(p, nullptr) << "alignment " << a << " size " << n;
        EXPECT_TRUE(aligned_to(p, a)) << p << " alignment " << a << " size " << n;
        size_t usable = malloc_usable_size(p);
        EXPECT_GE(usable, n) << "alignment " << a;
        std::memset(p, 0x5a, usable);
      }
      std::free(p1), std::free(p2), std::free(p3);
    }
}

TEST(Alignment, PosixMemalignAcceptsPointerSizedAlignment) {
  void* p = nullptr;
  ASSERT_EQ(posix_memalign(&p, sizeof(void*), 24), 0);
  EXPECT_TRUE(aligned_to(p, 16));  // hakmem and glibc both give at least 16
  std::free(p);
}

TEST(UsableSize, AtLeastRequestedAndWritableWithoutDisturbingNeighbours) {
  struct Block {
    void* p;
    size_t usable;
    unsigned char seed;
  };
  std::vector<Block> blocks;
  unsigned char seed = 1;
  for (int round = 0; round < 4; ++round)
    for (size_t n : kSizes) {
      void* p = std::malloc(n);
      ASSERT_NE(p, nullptr);
      size_t usable = malloc_usable_size(p);
      EXPECT_GE(usable, n);
      fill(p, usable, seed);  // every usable byte, not just the requested ones
      blocks.push_back({p, usable, seed++});
    }
  for (const auto& b : blocks) EXPECT_TRUE(holds(b.p, b.usable, b.seed)) << b.p;
  for (const auto& b : blocks) std::free(b.p);
  EXPECT_EQ(malloc_usable_size(nullptr), 0u);
}

TEST(Malloc, ZeroBytesGivesAFreeableUniquePointer) {
  void* a = std::malloc(0);
  void* b = std::malloc(0);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  std::free(a);
  std::free(b);
  std::free(nullptr);  // a no-op
}

// ---- realloc ----------------------------------------------------------------------------------

TEST(Realloc, KeepsContentsAcrossTiers) {
  // tiny -> mid -> large -> larger -> mid -> tiny, checking the common prefix each time.
  const size_t steps[] = {24, 3000, 200000, 3 << 20, 20000, 700, 24};
  size_t n = steps[0];
  auto* p = std::malloc(n);
  ASSERT_NE(p, nullptr);
  fill(p, n, 9);
  for (size_t next : steps) {
    p = std::realloc(p, next);
    ASSERT_NE(p, nullptr) << next;
    size_t kept = std::min(n, next);
    EXPECT_TRUE(holds(p, kept, 9)) << n << " -> " << next;
    fill(p, next, 9);
    n = next;
  }
  std::free(p);
}

TEST(Realloc, GrowAndShrinkByOneByteKeepContents) {
  size_t n = 1;
  void* p = std::malloc(n);
  fill(p, n, 1);
  for (; n < 5000; ++n) {  // crosses every tiny class boundary and into the pool
    p = std::realloc(p, n + 1);
    ASSERT_NE(p, nullptr);
    ASSERT_TRUE(holds(p, n, 1)) << n;
    fill(p, n + 1, 1);
  }
  for (; n > 1; n -= 7) {
    p = std::realloc(p, n);
    ASSERT_TRUE(holds(p, n, 1)) << n;
    if (n < 8) break;
  }
  std::free(p);
}

TEST(Realloc, NullIsMalloc) {
  void* p = std::realloc(nullptr, 300);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(aligned_to(p, 16));
  EXPECT_GE(malloc_usable_size(p), 300u);
  std::memset(p, 1, 300);
  std::free(p);
}

// C17 leaves realloc(p, 0) implementation-defined (C23 makes it undefined). glibc frees p and
// returns NULL, and hakmem does the same (Allocator::realloc: "as glibc"). Pinned, so that a
// change is a decision, not an accident.
TEST(Realloc, ZeroSizeFreesAndReturnsNull) {
  void* p = std::malloc(64);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::realloc(p, opaque_size(0)), nullptr);
  // p is freed now: a fresh allocation of the same size may get it back and must be usable.
  void* q = std::malloc(64);
  ASSERT_NE(q, nullptr);
  std::memset(q, 1, 64);
  std::free(q);
}

// ---- calloc and reallocarray ------------------------------------------------------------------

TEST(Calloc, ZeroesFreshAndReusedMemory) {
  for (size_t n : kSizes) {
    for (int round = 0; round < 3; ++round) {
      // Dirty a block of this size, free it, and calloc the same size: allocators reuse the
      // block just freed, so this catches a calloc that trusts memory to be zero.
      void* dirty = std::malloc(n);
      ASSERT_NE(dirty, nullptr);
      std::memset(dirty, 0xA5, malloc_usable_size(dirty));
      std::free(dirty);
      auto* z = static_cast<unsigned char*>(std::calloc(1, n));
      ASSERT_NE(z, nullptr) << n;
      EXPECT_TRUE(all_zero(z, n)) << "calloc(1, " << n << ") not zeroed";
      std::free(z);
    }
    void* z = std::calloc(n ? n : 1, 3);  // count * size form
    ASSERT_NE(z, nullptr);
    EXPECT_TRUE(all_zero(z, (n ? n : 1) * 3));
    std::free(z);
  }
}

TEST(Calloc, OverflowIsNullAndEnomem) {
  const size_t pairs[][2] = {{SIZE_MAX / 2, 3}, {3, SIZE_MAX / 2}, {size_t{1} << 32, size_t{1} << 32},
                             {SIZE_MAX, SIZE_MAX}, {SIZE_MAX, 2}};
  for (auto [count, size] : pairs) {
    errno = 0;
    EXPECT_EQ(std::calloc(opaque_size(count), opaque_size(size)), nullptr) << count << "*" << size;
    EXPECT_EQ(errno, ENOMEM) << count << "*" << size;
  }
}

TEST(Reallocarray, OverflowIsNullEnomemAndKeepsTheBlock) {
  void* p = reallocarray(nullptr, 10, 10);
  ASSERT_NE(p, nullptr);
  fill(p, 100, 4);
  errno = 0;
  EXPECT_EQ(reallocarray(opaque(p), opaque_size(SIZE_MAX / 2), 3), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_TRUE(holds(p, 100, 4));
  p = reallocarray(p, 100, 30);  // grows to 3000 (mid-size) and keeps the prefix
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(holds(p, 100, 4));
  std::free(p);
}

// ---- page allocators --------------------------------------------------------------------------

TEST(PageAllocators, VallocPvallocMemalign) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  for (size_t n : {size_t{1}, size_t{100}, page - 1, page, page + 1, size_t{100000}}) {
    void* v = valloc(n);
    ASSERT_NE(v, nullptr);
    EXPECT_TRUE(aligned_to(v, page)) << v;
    EXPECT_GE(malloc_usable_size(v), n);
    std::memset(v, 1, n);

    void* pv = pvalloc(n);  // rounds the size up to whole pages
    ASSERT_NE(pv, nullptr);
    EXPECT_TRUE(aligned_to(pv, page)) << pv;
    size_t rounded = (n + page - 1) / page * page;
    EXPECT_GE(malloc_usable_size(pv), rounded) << n;
    std::memset(pv, 1, rounded);
    std::free(v);
    std::free(pv);
  }
  for (size_t a : {size_t{16}, size_t{32}, size_t{256}, page, size_t{65536}}) {
    void* m = memalign(a, 100);
    ASSERT_NE(m, nullptr);
    EXPECT_TRUE(aligned_to(m, a)) << a;
    std::free(m);
  }
}

}  // namespace
