// Checks of slab colouring shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

// Blocks of one class, over as many slabs as the class has colours, start on every cache line of
// a 4 KiB span (an L1 cache's sets): their first lines spread over all the sets, not 1 in
// natural_alignment(block_size) / 64 of them.
template <class Alloc>
void blocks_start_on_every_cache_line(unsigned cls) {
  Alloc a(small_options());
  const std::uint32_t bs = kTinySizes[cls];
  const std::uint32_t colours = tiny_slab_colours(bs);
  std::vector<void*> blocks;
  std::set<std::uintptr_t> seen;
  for (std::size_t i = 0; i < std::size_t{colours + 1} * (kSlabSize / bs); ++i) {
    void* p = a.malloc(bs);
    ASSERT_NE(p, nullptr);
    blocks.push_back(p);
    seen.insert(reinterpret_cast<std::uintptr_t>(p) % 4096 / kColourStep);
  }
  EXPECT_EQ(seen.size(), 4096 / kColourStep) << "blocks of C" << cls << " (" << bs << " B, " << colours
                                             << " colours) start on " << seen.size() << " of the "
                                             << 4096 / kColourStep << " lines of a 4 KiB span";
  for (void* p : blocks) a.free(p);
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
}

}  // namespace hakmem::test
