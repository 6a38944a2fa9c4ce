// The hak_* C API over the production instance (linked statically, not preloaded).
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <thread>
#include <vector>

#include "hakmem/hakmem.h"

namespace {

TEST(CApi, AllocationFunctionsFollowPosix) {
  void* p = hak_malloc(100);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(hak_usable_size(p), 100u);
  p = hak_realloc(p, 10000);
  ASSERT_NE(p, nullptr);
  hak_free(p);
  errno = 0;
  EXPECT_EQ(hak_calloc(SIZE_MAX / 2, 3), nullptr);
  EXPECT_EQ(errno, ENOMEM);
  EXPECT_EQ(hak_reallocarray(nullptr, SIZE_MAX / 2, 3), nullptr);
  void* a = nullptr;
  EXPECT_EQ(hak_posix_memalign(&a, 24, 10), EINVAL);
  EXPECT_EQ(hak_posix_memalign(&a, 256, 10), 0);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % 256, 0u);
  hak_free(a);
  errno = 0;
  EXPECT_EQ(hak_aligned_alloc(48, 96), nullptr);
  EXPECT_EQ(errno, EINVAL);
  void* v = hak_valloc(10);
  void* pv = hak_pvalloc(5000);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v) % 4096, 0u);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(pv) % 4096, 0u);
  EXPECT_GE(hak_usable_size(pv), 8192u);
  hak_free(v);
  hak_free(pv);
  void* m = hak_memalign(48, 10);  // rounded up to 64, as glibc does
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(m) % 64, 0u);
  hak_free(m);
}

TEST(CApi, DefaultBuildHasNoTelemetryAndTheHeapCheckBalances) {
  EXPECT_EQ(hak_telemetry_mask(), 0u);
  EXPECT_EQ(hak_stats_count(), 0u);
  const char* fam;
  EXPECT_EQ(hak_stats_get(0, &fam, nullptr, nullptr), -1);
  std::vector<void*> ps;
  std::thread t([&] {
    for (int i = 0; i < 1000; ++i) ps.push_back(hak_malloc(1 + i * 37 % 50000));
  });
  t.join();
  std::thread([&] {  // adopts the orphan at its first free, and orphans it again at its exit
    for (void* p : ps) hak_free(p);
  }).join();
  hak_quiesce();
  hak_heap_report r;
  EXPECT_EQ(hak_heap_check(&r), 0) << r.first_error;
  EXPECT_EQ(r.tiny_live_blocks + r.pool_live_blocks + r.large_live_blocks, 0u);
  EXPECT_GE(r.orphaned_heaps, 1u);
}

}  // namespace
