/* Defect: calloc does not zero; fresh memory from mmap happens to be zero, recycled blocks
 * are not. Caught by: calloc-zero (api-calloc-zero). */
#include <errno.h>

#include "decoy_heap.h"

static void* dirty_calloc(size_t count, size_t size) {
  size_t n;
  if (__builtin_mul_overflow(count, size, &n)) {
    errno = ENOMEM;
    return NULL;
  }
  return dh_malloc(n);
}

const struct decoy_ops decoy = {.calloc = dirty_calloc};
