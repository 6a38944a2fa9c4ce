/* Defect: for alignments of 256 and more, returns blocks that are only 64-byte aligned.
 * Caught by: aligned (inv2-alignment). */
#include "decoy_heap.h"

static void* sloppy_memalign(size_t align, size_t n) {
  return dh_memalign_skewed(align, n, align >= 256 ? 64 : 0);
}

const struct decoy_ops decoy = {.memalign = sloppy_memalign};
