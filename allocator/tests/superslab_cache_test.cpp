// The arena's warm superslabs: reuse within the purge delay, purge after it, give-back at quiesce.
#include "superslab_cache_checks.h"

namespace hakmem::test {
namespace {

TEST(SuperslabCache, WarmSuperslabsArePurgedAfterTheDelay) { warm_superslabs_are_purged_after_the_delay<TestAllocator>(); }

TEST(SuperslabCache, QuiesceGivesBackWarmSuperslabs) { quiesce_gives_back_warm_superslabs<TestAllocator>(); }

}  // namespace
}  // namespace hakmem::test
