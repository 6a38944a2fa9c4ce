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

TEST(PoolRecord, AStrayFreeIntoAReleasedSuperslabAborts) { a_stray_free_into_a_released_pool_superslab_aborts<TestAllocator>(); }

}  // namespace
}  // namespace hakmem::test
