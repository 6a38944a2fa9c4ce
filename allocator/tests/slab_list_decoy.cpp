// Decoy (ctest expects it to fail): a free into a full slab leaves the slab off its class's
// partial list, so its free blocks are stranded. The heap check's walk of the slab lists must
// catch it.
#include "slab_list_checks.h"

namespace hakmem::test {
namespace {

TEST(SlabListDecoy, AFreeLeavesFullSlabsUnlisted) {
  freed_blocks_of_full_slabs_are_found_again<
      Allocator<Config<0, StdAtomics, TlsContext, NoTrace, FreeLeavesFullSlabUnlistedQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
