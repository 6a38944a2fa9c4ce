// Decoy (ctest expects it to fail): the owner's drain walks every way of its remote inbox but
// the last, so the batches there are lost. The heap check must count their blocks as live.
#include "remote_inbox_checks.h"

namespace hakmem::test {
namespace {

TEST(RemoteInboxDecoy, ADrainThatSkipsAWayLosesItsBatches) {
  remote_batches_on_every_way_reach_their_slabs<
      Allocator<Config<0, StdAtomics, TlsContext, NoTrace, DrainSkipsLastWayQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
