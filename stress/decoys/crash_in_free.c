/* Not a heap defect the checks look for, but a heap that dies: the 5000th free() dereferences
 * a wild pointer. The stress tool's crash reporter must still say where (workload, thread,
 * step, seed) before the signal ends the run. Checked by expect_crash_report.sh. */
#include <stdatomic.h>

#include "decoy_heap.h"

static atomic_uint frees;
static volatile int* volatile wild = (volatile int*)0x40; /* volatile: the compiler cannot see it is bad */

static void crashing_free(void* p) {
  if (atomic_fetch_add(&frees, 1) + 1 == 5000) *wild = 1;
  dh_free(p);
}

const struct decoy_ops decoy = {.free = crashing_free};
