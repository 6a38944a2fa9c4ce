// The pool's slab records: what a pool free validates from (pool_record_checks.h).
#include <string>

#include "pool_record_checks.h"

namespace hakmem::test {
namespace {

TEST(PoolRecord, RecordsMirrorTheCarvingAndTheBoundaryBlockAborts) { pool_records_mirror_the_carving<TestAllocator>(); }

TEST(PoolRecord, AReleasedSuperslabKeepsNoPoolRecord) { a_released_pool_superslab_keeps_no_pool_record<TestAllocator>(); }

// The heap check's comparison of shapes, on a broken input: one record naming another class.
TEST(PoolRecord, TheHeapCheckNamesARecordThatDisagreesWithItsSuperslab) {
  TestAllocator a(small_options());
  void* p = a.malloc(5000);  // the 5120-byte class
  ASSERT_NE(p, nullptr);
  Slab& record = superslab_of(p)->slabs()[3];
  const std::uint8_t good = record.pool_class;
  record.pool_class = static_cast<std::uint8_t>(good + 1);
  hak_heap_report r{};
  EXPECT_EQ(a.check(&r), -1);
  EXPECT_NE(std::string(r.first_error).find("slab 3's record names class"), std::string::npos) << r.first_error;
  record.pool_class = good;
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  a.free(p);
}

// A valid free whose record has not seen the block's carving yet (another thread's carving, not
// yet visible to it) fails the check by record, is validated from the header and frees the block.
TEST(PoolRecord, AValidFreeWhoseRecordLagsTheCarvingStillFreesTheBlock) {
  TestAllocator a(small_options());
  void* p = a.malloc(5000);
  ASSERT_NE(p, nullptr);
  Slab& record = *slab_of(superslab_of(p), p);
  const std::uint32_t carved = record.carved.load(std::memory_order_relaxed);
  record.set_carved(0);
  a.free(p);
  record.set_carved(carved);
  hak_heap_report r{};
  EXPECT_EQ(a.check(&r), 0) << r.first_error;
  EXPECT_EQ(r.pool_live_blocks, 0u) << "the block is free: cached or back in its class";
  EXPECT_EQ(a.malloc(5000), p) << "and the next malloc of its class hands it out again";
}

TEST(PoolRecord, AStrayFreeIntoAReleasedSuperslabAborts) { a_stray_free_into_a_released_pool_superslab_aborts<TestAllocator>(); }

}  // namespace
}  // namespace hakmem::test
