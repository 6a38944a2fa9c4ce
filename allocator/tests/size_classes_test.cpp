#include <gtest/gtest.h>

#include <iterator>
#include <vector>

#include "hakmem/core/size_classes.h"
#include "hakmem/core/superslab.h"

namespace hakmem {
namespace {

TEST(SizeClasses, EveryTinySizeMapsToTheSmallestFittingClass) {
  for (std::size_t size = 0; size <= kMaxTiny; ++size) {
    const unsigned c = tiny_class_of(size);
    ASSERT_LT(c, kTinyClassCount) << size;
    EXPECT_GE(kTinySizes[c], size) << size;
    if (c > 0) {
      EXPECT_LT(kTinySizes[c - 1], size) << size;
    }
    // 16-byte steps up to 128 B, then a fifth at most (redis's 260-byte strings: 320, not 512)
    if (size > 128) {
      EXPECT_LE(kTinySizes[c] - size, kTinySizes[c] / 5) << size;
    }
  }
  EXPECT_EQ(kTinySizes[tiny_class_of(260)], 320u);
  EXPECT_EQ(tiny_class_of(kMaxTiny + 1), kNoClass);
  EXPECT_EQ(tiny_class_of(0), 0u);
}

TEST(SizeClasses, PoolClassesCoverUpTo128KiBWastingAtMostAFifth) {
  EXPECT_EQ(pool_class_of(1025), 0u);
  EXPECT_EQ(kPoolSizes[pool_class_of(2048)], 2048u);
  EXPECT_EQ(kPoolSizes[pool_class_of(2049)], 2560u);
  EXPECT_EQ(kPoolSizes[pool_class_of(2432)], 2560u);
  EXPECT_EQ(kPoolSizes[pool_class_of(4360)], 5120u);  // sqlite's page-cache entries
  EXPECT_EQ(kPoolSizes[pool_class_of(1040)], 1280u);
  EXPECT_EQ(pool_class_of(kMaxPool), kPoolClassCount - 1);
  EXPECT_EQ(pool_class_of(kMaxPool + 1), kNoClass);
  for (std::size_t size = 0; size <= kMaxTiny; ++size) ASSERT_EQ(pool_class_of(size), 0u) << size;  // aligned requests
  for (std::size_t size = kMaxPool + 1; size <= 4 * kMaxPool; ++size) ASSERT_EQ(pool_class_of(size), kNoClass) << size;
  for (std::size_t size = kMaxTiny + 1; size <= kMaxPool; ++size) {
    const unsigned c = pool_class_of(size);
    ASSERT_LT(c, kPoolClassCount) << size;
    ASSERT_GE(kPoolSizes[c], size) << size;
    if (c > 0) {
      ASSERT_LT(kPoolSizes[c - 1], size) << size;  // the smallest that fits
    }
    ASSERT_LE(kPoolSizes[c] - size, kPoolSizes[c] / 5) << size;
  }
}

TEST(SizeClasses, AlignedRequestsGetClassesWhoseBlocksAreAligned) {
  for (std::size_t align = 16; align <= 4096; align *= 2)
    for (std::size_t size = 1; size <= 4096; size += 37) {
      const unsigned c = tiny_class_aligned(size, align);
      if (c != kNoClass) {
        EXPECT_GE(kTinySizes[c], size);
        EXPECT_EQ(tiny_block_alignment(c) % align, 0u) << size << " " << align;
      }
    }
  EXPECT_EQ(natural_alignment(768), 256u);
  EXPECT_EQ(tiny_block_alignment(0), 16u);  // 16-byte blocks: 16-aligned in any slab
  EXPECT_EQ(tiny_block_alignment(tiny_class_of(64)), 64u);
  EXPECT_EQ(tiny_block_alignment(tiny_class_of(48)), 16u);
  EXPECT_EQ(tiny_block_alignment(tiny_class_of(160)), 32u);  // 160 = 5 x 32: uncoloured
  EXPECT_EQ(tiny_slab_colours(768), 4u);                      // 768 = 3 x 256: 1 line in 4
  EXPECT_EQ(tiny_block_alignment(tiny_class_of(1024)), 64u);  // coloured slabs start their data on any line
  EXPECT_EQ(tiny_class_aligned(40, 64), tiny_class_of(64));
  EXPECT_EQ(tiny_class_aligned(130, 64), tiny_class_of(192));  // 160-byte blocks are 32-aligned
  EXPECT_EQ(tiny_class_aligned(700, 128), kNoClass);  // the pool serves it
  EXPECT_EQ(tiny_class_aligned(100, 2048), kNoClass);
  EXPECT_EQ(kPoolSizes[pool_class_aligned(100, 2048)], 2048u);  // 1280 and 1536 are only 256- and 512-aligned
  EXPECT_EQ(pool_class_aligned(100, 8192), kNoClass);  // pool blocks are at most 4 KiB aligned
}

// Slab::divide against plain division, for every offset a slab can hold, in every tiny class and
// every pool class (a pool record's offsets are from the first block that starts in its slab, so
// they stay below kSlabSize too; exact_division_holds is too coarse for 57344 and 114688 B).
TEST(SizeClasses, OneMultiplyFindsEveryBlockStartAndIndex) {
  std::vector<std::uint32_t> sizes(std::begin(kTinySizes), std::end(kTinySizes));
  sizes.insert(sizes.end(), std::begin(kPoolSizes), std::end(kPoolSizes));
  for (std::uint32_t bs : sizes) {
    Slab s;
    s.block_size = bs;
    s.reciprocal = reciprocal_of(bs);
    for (std::uintptr_t off = 0; off < kSlabSize; ++off) {
      const Slab::Division d = s.divide(off);
      ASSERT_EQ(d.index, off / bs) << "block size " << bs << " offset " << off;
      ASSERT_EQ(d.at_block_start, off % bs == 0) << "block size " << bs << " offset " << off;
    }
  }
}

// Both checks have teeth: the condition rejects a block size whose reciprocal rounds too
// coarsely for a slab (46508 B), and the brute force catches a reciprocal one too small.
TEST(SizeClasses, DivisionChecksRejectCoarseReciprocals) {
  EXPECT_TRUE(exact_division_holds(768));
  EXPECT_FALSE(exact_division_holds(46508));
  Slab s;
  s.block_size = 768;
  s.reciprocal = reciprocal_of(768) - 1;  // floor instead of ceiling
  std::size_t wrong = 0;
  for (std::uintptr_t off = 0; off < kSlabSize; ++off) {
    const Slab::Division d = s.divide(off);
    wrong += d.index != off / 768 || d.at_block_start != (off % 768 == 0);
  }
  EXPECT_GT(wrong, 0u);
}

}  // namespace
}  // namespace hakmem
