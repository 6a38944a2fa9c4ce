/* Defect: malloc_usable_size claims 48 bytes more than the block has (over the next block's
 * header into its data). Caught by: random-mixed, the usable range of one block overlaps its
 * live neighbour (inv3-usable-overlap). */
#include "decoy_heap.h"

static size_t lying_usable(const void* p) { return dh_usable(p) + 48; }

const struct decoy_ops decoy = {.usable = lying_usable};
