/* The malloc API a decoy exports (LD_PRELOAD), routed through its hooks. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "decoy_heap.h"

#define EXPORT __attribute__((visibility("default")))

static size_t page(void) { return (size_t)sysconf(_SC_PAGESIZE); }
static int pow2(size_t a) { return a && (a & (a - 1)) == 0; }

static void* do_memalign(size_t align, size_t n) {
  return decoy.memalign ? decoy.memalign(align, n) : dh_memalign_skewed(align, n, 0);
}

EXPORT void* malloc(size_t n) { return decoy.malloc ? decoy.malloc(n) : dh_malloc(n); }
EXPORT void free(void* p) {
  if (!p) return;
  if (decoy.free) {
    decoy.free(p);
  } else {
    dh_free(p);
  }
}
EXPORT void* calloc(size_t c, size_t n) { return decoy.calloc ? decoy.calloc(c, n) : dh_calloc(c, n); }
EXPORT void* realloc(void* p, size_t n) { return decoy.realloc ? decoy.realloc(p, n) : dh_realloc(p, n); }
EXPORT void* reallocarray(void* p, size_t c, size_t n) {
  size_t total;
  if (__builtin_mul_overflow(c, n, &total)) {
    errno = ENOMEM;
    return NULL;
  }
  return realloc(p, total);
}
EXPORT size_t malloc_usable_size(void* p) {
  if (!p) return 0;
  return decoy.usable ? decoy.usable(p) : dh_usable(p);
}
EXPORT int posix_memalign(void** out, size_t align, size_t n) {
  if (!pow2(align) || align % sizeof(void*) != 0) return EINVAL;
  void* p = do_memalign(align, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
EXPORT void* aligned_alloc(size_t align, size_t n) {
  if (!pow2(align)) {
    errno = EINVAL;
    return NULL;
  }
  return do_memalign(align, n);
}
EXPORT void* memalign(size_t align, size_t n) {
  if (!pow2(align)) {
    errno = EINVAL;
    return NULL;
  }
  return do_memalign(align, n);
}
EXPORT void* valloc(size_t n) { return do_memalign(page(), n); }
EXPORT void* pvalloc(size_t n) {
  if (n > (size_t)PTRDIFF_MAX) { /* rounding up to a page would wrap to 0 */
    errno = ENOMEM;
    return NULL;
  }
  return do_memalign(page(), (n + page() - 1) & ~(page() - 1));
}
