// Decoy (ctest expects it to fail): pool cache refills leave the blocks they carve without the
// free canary, so freeing one the thread never handed out passes. The unit test's heap check
// and death test must catch it.
#include "pool_cache_checks.h"

namespace hakmem::test {
namespace {

TEST(PoolCacheDecoy, CarvedBlocksWaitInTheCacheWithoutTheirCanary) {
  pool_cache_blocks_carry_the_free_canary<Allocator<Config<0, StdAtomics, TlsContext, NoTrace, PoolCacheUnmarkedQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
