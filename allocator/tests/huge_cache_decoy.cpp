// Decoy (ctest expects it to fail): a huge cache whose entries never expire, so an idle
// program's big buffers stay mapped. The unit test's delay check must catch it.
#include "huge_cache_checks.h"

namespace hakmem::test {
namespace {

TEST(HugeCacheDecoy, EntriesOutliveTheDelay) {
  huge_mappings_leave_after_the_delay<HugeCache<StdAtomics, /*NeverExpires=*/true>>();
}

}  // namespace
}  // namespace hakmem::test
