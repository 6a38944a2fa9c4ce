/* Defect: a realloc that moves the block copies only the first half of the old block.
 * Caught by: realloc-chain (inv1-realloc). */
#include <string.h>

#include "decoy_heap.h"

static void* half_copy_realloc(void* p, size_t n) {
  if (!p) return dh_malloc(n);
  const size_t have = dh_usable(p);
  if (n <= have) return p;
  void* q = dh_malloc(n);
  if (!q) return NULL;
  memcpy(q, p, have / 2);
  dh_free(p);
  return q;
}

const struct decoy_ops decoy = {.realloc = half_copy_realloc};
