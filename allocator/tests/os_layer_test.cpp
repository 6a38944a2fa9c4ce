// The OS layer and fault injection, alone and through an allocator instance (invariant 8).
#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

#include "test_config.h"

namespace hakmem::test {
namespace {

TEST(OsLayer, MapAccountsBytesAndUnmapReturnsThem) {
  OsLayer os;
  void* p = os.map(1 << 20);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(os.mapped_bytes(), 1u << 20);
  static_cast<char*>(p)[12345] = 1;
  os.unmap(p, 1 << 20);
  EXPECT_EQ(os.mapped_bytes(), 0u);
  EXPECT_EQ(os.peak_mapped_bytes(), 1u << 20);
}

TEST(OsLayer, FailsTheNthMapOnceAndEveryKthMapRepeatedly) {
  OsLayer os;
  os.inject_faults(3, 0);
  std::vector<bool> ok;
  for (int i = 0; i < 6; ++i) {
    void* p = os.map(4096);
    ok.push_back(p != nullptr);
    if (p) {
      os.unmap(p, 4096);
    } else {
      EXPECT_EQ(errno, ENOMEM);
    }
  }
  EXPECT_EQ(ok, (std::vector<bool>{true, true, false, true, true, true}));
  os.inject_faults(0, 2);
  ok.clear();
  for (int i = 0; i < 4; ++i) {
    void* p = os.map(4096);
    ok.push_back(p != nullptr);
    if (p) os.unmap(p, 4096);
  }
  EXPECT_EQ(ok, (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(os.failures(), 3u);
}

TEST(OsLayer, AllocatorReturnsNullWithEnomemAndRecoversWhenFaultsStop) {
  TestAllocator a(small_options());
  a.os().inject_faults(0, 1);  // every map fails
  errno = 0;
  EXPECT_EQ(a.malloc(64), nullptr);  // needs a heap record and a superslab: both are maps
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_EQ(a.malloc(5000), nullptr);
  EXPECT_EQ(a.malloc(1 << 20), nullptr);
  EXPECT_EQ(a.calloc(10, 10), nullptr);
  a.os().inject_faults(0, 0);
  void* p = a.malloc(64);
  void* q = a.malloc(5000);
  void* r = a.malloc(1 << 20);
  ASSERT_TRUE(p && q && r);
  a.free(p);
  a.free(q);
  a.free(r);
  hak_heap_report rep;
  a.quiesce();
  EXPECT_EQ(a.check(&rep), 0) << rep.first_error;
  EXPECT_EQ(rep.tiny_live_blocks + rep.pool_live_blocks + rep.large_live_blocks, 0u);
}

TEST(OsLayer, EveryThirdMapFailingLosesNothing) {
  TestAllocator a(small_options());
  a.os().inject_faults(0, 3);
  std::vector<void*> live;
  std::size_t nulls = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::size_t size = (i % 3 == 0) ? 140000 + i : (i % 3 == 1 ? 3000 : 900);
    void* p = a.malloc(size);
    if (p) {
      live.push_back(p);
    } else {
      ++nulls;
    }
  }
  EXPECT_GT(nulls, 0u);  // the faults really happened
  for (void* p : live) a.free(p);
  a.os().inject_faults(0, 0);
  hak_heap_report rep;
  a.quiesce();
  EXPECT_EQ(a.check(&rep), 0) << rep.first_error;
  EXPECT_EQ(rep.tiny_live_blocks + rep.pool_live_blocks + rep.large_live_blocks, 0u);
  EXPECT_GT(rep.os_map_failures, 0u);
}

}  // namespace
}  // namespace hakmem::test
