// Checks of the front caches shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include "test_config.h"

namespace hakmem::test {

// A freed block waits in the front cache of its own class: the next request of that class gets
// it back, and the heap check finds every cached block in its class's cache.
template <class Alloc>
void each_class_caches_its_own_blocks() {
  Alloc a(small_options());
  void* blocks[kTinyClassCount];
  for (unsigned c = 0; c < kTinyClassCount; ++c) ASSERT_NE(blocks[c] = a.malloc(kTinySizes[c]), nullptr);
  for (void* p : blocks) a.free(p);
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  for (unsigned c = kTinyClassCount; c-- > 0;)
    EXPECT_EQ(a.malloc(kTinySizes[c]), blocks[c]) << "class C" << c << " did not get its freed block back";
}

}  // namespace hakmem::test
