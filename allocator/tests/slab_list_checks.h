// Checks of the slab lists shared by the unit tests and the decoy that must fail them.
#pragma once
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "test_config.h"

namespace hakmem::test {

// Blocks freed into full slabs put those slabs back on their class's partial list: the heap check
// finds every slab with a free block on a list, and the next refills take those blocks before
// carving new ones.
template <class Alloc>
void freed_blocks_of_full_slabs_are_found_again() {
  Alloc a(small_options());
  constexpr unsigned cls = tiny_class_of(128);
  const std::size_t per_slab = kSlabSize / kTinySizes[cls];
  std::vector<void*> blocks;
  const std::size_t batch = kFrontCapacity[cls] / 2;
  for (std::size_t i = 0; i < (4 * per_slab + batch - 1) / batch * batch; ++i) {  // whole refills: the cache ends empty
    blocks.push_back(a.malloc(kTinySizes[cls]));
    ASSERT_NE(blocks.back(), nullptr);
  }
  std::set<void*> freed;
  for (std::size_t i = 0; i < 2 * per_slab; i += 3) freed.insert(blocks[i]);  // a third of the first slabs
  for (void* p : freed) a.free(p);
  a.thread_flush();
  a.drain_spill();  // every freed block on its slab's free list
  hak_heap_report r;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  // The refill that takes the last listed blocks may top its batch up with carved ones, and the
  // cache hands those out first (LIFO): a cache's worth of mallocs more sees every freed block.
  std::size_t reused = 0;
  for (std::size_t i = 0; i < freed.size() + kFrontCapacityMax[cls]; ++i) reused += freed.count(a.malloc(kTinySizes[cls]));
  EXPECT_EQ(reused, freed.size()) << "of " << freed.size() << " freed blocks only " << reused
                                  << " came back; refills carved new ones instead";
}

}  // namespace hakmem::test
