// Decoy (two ctests, each expecting its check's words: the hotbox counters', the heap check's):
// set_pool_v2 leaves the slab records' routing as it was, so with v2 on the frees of blocks from
// existing pool superslabs keep going to v1's thread caches.
#include "pool_v2_checks.h"

namespace hakmem::test {
namespace {

template <unsigned kMask>
using Broken = Allocator<Config<kMask, StdAtomics, TlsContext, NoTrace, PoolV2KeepsRecordRoutingQuirk>>;

TEST(PoolV2Decoy, HotboxCountersSeeFreesGoElsewhere) { v2_hotbox_takes_frees_once_enabled<Broken<kAllFlagsMask>>(); }

TEST(PoolV2Decoy, HeapCheckSeesTheStaleRouting) { v2_routing_follows_every_toggle<Broken<0>>(); }

}  // namespace
}  // namespace hakmem::test
