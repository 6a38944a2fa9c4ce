// Decoy (ctest expects it to fail): a pool that never purges keeps every freed block's pages.
// The unit test's residency check must catch it.
#include "pool_purge_checks.h"

namespace hakmem::test {
namespace {

TEST(PoolPurgeDecoy, FreedBlocksKeepTheirPagesPastTheKeep) {
  pool_blocks_freed_beyond_the_keep_are_purged<Allocator<Config<0, StdAtomics, TlsContext, NoTrace, NoPoolPurgeQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
