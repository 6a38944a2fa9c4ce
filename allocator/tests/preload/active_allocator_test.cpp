// Guard: every test of this binary fails unless the process malloc is the expected one (hakmem
// in the preload binary, glibc in the baseline). A global environment runs before any test, so
// a binary started without its LD_PRELOAD cannot pass by testing glibc.
#include <gtest/gtest.h>

#include "active_allocator.h"

namespace {

class RequireExpectedAllocator : public testing::Environment {
 public:
  void SetUp() override {
    auto a = preload::detect_active_allocator();
    if (preload::kExpectHakmem)
      ASSERT_TRUE(a.hakmem) << "hakmem is not the active malloc: " << a.detail
                            << "\n(run under LD_PRELOAD=libhakmem.so, as ctest does)";
    else
      ASSERT_FALSE(a.hakmem) << "the glibc baseline runs on hakmem: " << a.detail;
  }
};

[[maybe_unused]] testing::Environment* const kGuard =
    testing::AddGlobalTestEnvironment(new RequireExpectedAllocator);

TEST(ActiveAllocator, IsTheExpectedOne) {
  auto a = preload::detect_active_allocator();
  EXPECT_EQ(a.hakmem, preload::kExpectHakmem) << a.detail;
  RecordProperty("malloc_object", a.malloc_object);
}

}  // namespace
