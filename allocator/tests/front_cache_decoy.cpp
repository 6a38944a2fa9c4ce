// Decoy (ctest expects it to fail): every tiny free caches its block in C0's front cache. The
// unit test's check must catch it.
#include "front_cache_checks.h"

namespace hakmem::test {
namespace {

TEST(FrontCacheDecoy, FreesIntoTheFirstClassCache) {
  each_class_caches_its_own_blocks<Allocator<Config<0, StdAtomics, TlsContext, NoTrace, FreeIntoFirstClassCacheQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
