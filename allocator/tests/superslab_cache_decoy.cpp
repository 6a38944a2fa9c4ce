// Decoy (ctest expects it to fail): warm superslabs are never purged, neither after the delay
// nor at quiesce(), so an idle program keeps their memory. Both checks must catch it.
#include "superslab_cache_checks.h"

namespace hakmem::test {
namespace {

using NeverPurges = Allocator<Config<0, StdAtomics, TlsContext, NoTrace, NoWarmPurgeQuirk>>;

TEST(SuperslabCacheDecoy, WarmSuperslabsOutliveTheDelay) { warm_superslabs_are_purged_after_the_delay<NeverPurges>(); }

TEST(SuperslabCacheDecoy, QuiesceKeepsWarmSuperslabs) { quiesce_gives_back_warm_superslabs<NeverPurges>(); }

}  // namespace
}  // namespace hakmem::test
