// Decoy (ctest expects it to fail): a pool that gives a wholly free superslab back to the arena
// but leaves its blocks on the class's free lists. The heap check's walk of those lists must
// name a block outside the class's superslabs once another class has taken that superslab.
#include "pool_release_checks.h"

namespace hakmem::test {
namespace {

TEST(PoolReleaseDecoy, ReleasedBlocksStayListed) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  pool_class_freed_entirely_gives_its_superslabs_to_another<
      Allocator<Config<0, StdAtomics, TlsContext, NoTrace, PoolReleaseLeavesBlocksQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
