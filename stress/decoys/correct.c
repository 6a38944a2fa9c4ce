/* The control: the decoy heap with no defect. The stress suite must pass on it, which shows
 * that the other decoys fail because of their defects, not because of the base heap. */
#include "decoy_heap.h"

const struct decoy_ops decoy = {0};
