// Decoy (two ctests, each expecting its check's words: the heap check's, the death test's failure): a superslab given
// back keeps records naming its pool class, so a stray free into it passes as a pool free.
#include "pool_record_checks.h"

namespace hakmem::test {
namespace {

using Broken = Allocator<Config<0, StdAtomics, TlsContext, NoTrace, ReleaseKeepsPoolRecordsQuirk>>;

TEST(PoolRecordDecoy, HeapCheckSeesTheStaleRecords) { a_released_pool_superslab_keeps_no_pool_record<Broken>(); }

TEST(PoolRecordDecoy, StrayFreePassesAsAPoolFree) { a_stray_free_into_a_released_pool_superslab_aborts<Broken>(); }

}  // namespace
}  // namespace hakmem::test
