// Checks of slab colouring shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

// Blocks of one big class, over as many slabs as the class has colours, start at every cache-line
// offset modulo the block size: their first lines spread over all the cache sets, not 1 in
// block_size / 64 of them.
template <class Alloc>
void big_blocks_spread_over_every_colour(unsigned cls) {
  Alloc a(small_options());
  const std::uint32_t bs = kTinySizes[cls];
  const std::uint32_t colours = tiny_slab_colours(bs);
  std::vector<void*> blocks;
  std::set<std::uintptr_t> seen;
  for (std::size_t i = 0; i < std::size_t{colours + 1} * (kSlabSize / bs); ++i) {
    void* p = a.malloc(bs);
    ASSERT_NE(p, nullptr);
    blocks.push_back(p);
    seen.insert(reinterpret_cast<std::uintptr_t>(p) % bs / kColourStep);
  }
  EXPECT_EQ(seen.size(), colours) << "blocks of C" << cls << " (" << bs << " B) use " << seen.size() << " of "
                                  << colours << " cache-line offsets";
  for (void* p : blocks) a.free(p);
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
}

}  // namespace hakmem::test
