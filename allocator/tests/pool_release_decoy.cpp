// Decoy (ctest expects it to fail): a pool that keeps every superslab it carved, however many
// are wholly free. The release test's footprint bounds must catch it.
#include "pool_release_checks.h"

namespace hakmem::test {
namespace {

TEST(PoolReleaseDecoy, AClassKeepsEverySuperslab) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  pool_class_freed_entirely_gives_its_superslabs_to_another<Allocator<Config<0, StdAtomics, TlsContext, NoTrace, NoPoolReleaseQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
