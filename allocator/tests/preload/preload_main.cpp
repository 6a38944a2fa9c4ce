// The binary's main: it refuses to run any test unless the process malloc is the expected one
// (hakmem in the preload binary, glibc in the baseline), so a binary started without its
// LD_PRELOAD fails every test instead of silently testing glibc. (A failing gtest Environment
// would not do: gtest then reports the tests as SKIPPED, and ctest counts a skip as no failure.)
#include <gtest/gtest.h>

#include <cstdio>

#include "active_allocator.h"

namespace {

TEST(ActiveAllocator, IsTheExpectedOne) {
  auto a = preload::detect_active_allocator();
  EXPECT_EQ(a.hakmem, preload::kExpectHakmem) << a.detail;
  RecordProperty("malloc_object", a.malloc_object);
}

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  // Listing tests (ctest's discovery at build time, without the preload) needs no allocator.
  if (GTEST_FLAG_GET(list_tests)) return RUN_ALL_TESTS();
  auto a = preload::detect_active_allocator();
  if (a.hakmem != preload::kExpectHakmem) {
    std::fprintf(stderr, "FATAL: %s\n  %s\n",
                 preload::kExpectHakmem ? "hakmem is not the active malloc (run under LD_PRELOAD=libhakmem.so, as ctest does)"
                                        : "the glibc baseline must not run on hakmem",
                 a.detail.c_str());
    return 1;
  }
  return RUN_ALL_TESTS();
}
