#include <gtest/gtest.h>

#include "hakmem/core/size_classes.h"

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
  }
  EXPECT_EQ(tiny_class_of(kMaxTiny + 1), kNoClass);
  EXPECT_EQ(tiny_class_of(0), 0u);
}

TEST(SizeClasses, PoolClassesCoverUpTo32KiB) {
  EXPECT_EQ(pool_class_of(1025), 0u);
  EXPECT_EQ(pool_class_of(2048), 0u);
  EXPECT_EQ(pool_class_of(2049), 1u);
  EXPECT_EQ(pool_class_of(kMaxPool), kPoolClassCount - 1);
  EXPECT_EQ(pool_class_of(kMaxPool + 1), kNoClass);
}

TEST(SizeClasses, AlignedRequestsGetClassesWhoseBlocksAreAligned) {
  for (std::size_t align = 16; align <= 4096; align *= 2)
    for (std::size_t size = 1; size <= 4096; size += 37) {
      const unsigned c = tiny_class_aligned(size, align);
      if (c != kNoClass) {
        EXPECT_GE(kTinySizes[c], size);
        EXPECT_EQ(natural_alignment(kTinySizes[c]) % align, 0u) << size << " " << align;
      }
    }
  EXPECT_EQ(natural_alignment(768), 256u);
  EXPECT_EQ(tiny_class_aligned(700, 512), 7u);  // 1024: 768 is only 256-aligned
  EXPECT_EQ(tiny_class_aligned(100, 2048), kNoClass);
  EXPECT_EQ(pool_class_aligned(100, 2048), 0u);
  EXPECT_EQ(pool_class_aligned(100, 8192), kNoClass);  // pool blocks are at most 4 KiB aligned
}

}  // namespace
}  // namespace hakmem
