// Decoy (ctest expects it to fail): a huge cache that joins any adjacent ranges, whatever mapping
// they came from. The unit test's check of two mappings side by side must catch it.
#include "huge_cache_checks.h"

namespace hakmem::test {
namespace {

TEST(HugeCacheDecoy, JoinsAcrossMappings) {
  huge_ranges_join_only_within_their_mapping<HugeCache<StdAtomics, false, /*JoinAcrossMappings=*/true>>();
}

}  // namespace
}  // namespace hakmem::test
