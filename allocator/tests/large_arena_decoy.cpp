// Decoy (ctest expects it to fail): a large arena whose free leaves the block's last page in
// use, a page lost at every free. The heap check's recount of the arena must catch it.
#include "large_arena_checks.h"

namespace hakmem::test {
namespace {

TEST(LargeArenaDecoy, FreeLeavesALastPageInUse) {
  freed_neighbours_serve_a_bigger_block<Allocator<Config<0, StdAtomics, TlsContext, NoTrace, ArenaGiveLeaksPageQuirk>>>();
}

}  // namespace
}  // namespace hakmem::test
