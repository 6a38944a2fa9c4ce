/* Defect: silently drops every free made by a thread other than the allocating one (as an
 * allocator whose remote-free path loses its list would). Memory never comes back.
 * Caught by: remote-free, through the footprint bound (inv7-footprint). */
#include "decoy_heap.h"

static void local_only_free(void* p) {
  if (dh_owner(p) != dh_self()) return; /* "remote": dropped */
  dh_free(p);
}

const struct decoy_ops decoy = {.free = local_only_free};
