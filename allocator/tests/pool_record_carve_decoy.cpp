// Decoy (ctest expects the heap check's words): the pool's carving leaves the records' carved
// counts at 0. Frees still work (each takes validate_pool), so only the heap check sees it.
#include "pool_record_checks.h"

namespace hakmem::test {
namespace {

TEST(PoolRecordDecoy, RecordsNeverCarved) {
  pool_records_mirror_the_carving<Allocator<Config<0, StdAtomics, TlsContext, NoTrace, PoolRecordsNotCarvedQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
