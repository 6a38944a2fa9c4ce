// Decoy (ctest expects it to fail): a freeing thread's batches go to its own heap's inbox, not to
// the blocks' owner. The heap check must report the foreign blocks in that inbox.
#include "remote_inbox_checks.h"

namespace hakmem::test {
namespace {

TEST(RemoteInboxDecoy, ABatchDeliveredToTheWrongOwnerIsReported) {
  full_batches_wait_in_their_owners_inbox<Allocator<Config<0, StdAtomics, TlsContext, NoTrace, BatchToWrongOwnerQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
