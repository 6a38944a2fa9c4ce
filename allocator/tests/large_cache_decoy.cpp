// Decoy (ctest expects it to fail): a large cache that joins any adjacent ranges, so a later
// remap of the join could span two kernel mappings. The unit test's check must catch it.
#include "large_cache_checks.h"

namespace hakmem::test {
namespace {

TEST(LargeCacheDecoy, JoinsAcrossMappings) {
  pieces_of_two_mappings_stay_apart<LargeCache<StdAtomics, /*JoinAcrossMappings=*/true>>();
}

}  // namespace
}  // namespace hakmem::test
