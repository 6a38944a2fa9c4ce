// Decoys of the remote path's steps (each ctest case expects its check to fail): a flush that
// pushes one lane of its batch, a drain that fills the wrong class's cache, a drain that keeps
// the inbox's order, a thread without a heap that pushes each free alone.
#include "remote_inbox_checks.h"

namespace hakmem::test {
namespace {

template <class Quirks>
using Decoy = Allocator<Config<0, StdAtomics, TlsContext, NoTrace, Quirks>>;

TEST(RemotePathDecoy, AFlushThatPushesOneLaneLosesTheOthers) {
  remote_batches_on_every_way_reach_their_slabs<Decoy<FlushPushesOneLaneQuirk>>();
}

TEST(RemotePathDecoy, ADrainIntoTheWrongCacheIsReported) {
  a_refill_drain_hands_a_class_out_lowest_address_first<Decoy<DrainIntoFirstCacheQuirk>>();
}

TEST(RemotePathDecoy, ADrainInInboxOrderHandsBlocksOutScattered) {
  a_refill_drain_hands_a_class_out_lowest_address_first<Decoy<DrainKeepsInboxOrderQuirk>>();
}

TEST(RemotePathDecoy, AThreadWithoutAHeapPushesEachFree) {
  a_thread_that_only_frees_gathers_its_frees<Decoy<FreeOnlyThreadsPushEachQuirk>>();
}

}  // namespace
}  // namespace hakmem::test
