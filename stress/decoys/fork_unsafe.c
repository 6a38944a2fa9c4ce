/* Defect: no pthread_atfork handler, so a fork() while another thread holds the heap lock
 * leaves the child with a lock nobody will release: its first malloc hangs.
 * Caught by: fork (fork-child: the child hangs and is killed after the timeout). */
#include "decoy_heap.h"

const struct decoy_ops decoy = {.skip_atfork = 1};
