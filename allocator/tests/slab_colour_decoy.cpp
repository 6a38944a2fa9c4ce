// Decoy (ctest expects it to fail): slabs without colours, so every 1024-byte block starts at a
// multiple of 1024 bytes. The unit test's check must catch it.
#include "slab_colour_checks.h"

namespace hakmem::test {
namespace {

TEST(SlabColourDecoy, EverySlabStartsItsDataAlike) {
  blocks_start_on_every_cache_line<Allocator<Config<0, StdAtomics, TlsContext, NoTrace, NoSlabColourQuirk>>>(
      kTinyClassCount - 1);
}

}  // namespace
}  // namespace hakmem::test
