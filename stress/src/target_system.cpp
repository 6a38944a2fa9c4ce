#include <malloc.h>
#include <stdlib.h>

#include "target.h"

namespace stress {
namespace {
// Wrappers only where the signature differs; calls still go through the PLT.
std::size_t sys_usable(void* p) { return malloc_usable_size(p); }
void* sys_reallocarray(void* p, std::size_t n, std::size_t s) { return reallocarray(p, n, s); }
}  // namespace

const Target& system_target() {
  static const Target t{"system", false,   &malloc,  &free,    &calloc,  &realloc, &sys_reallocarray,
                        &aligned_alloc,    &posix_memalign,    &memalign, &valloc, &pvalloc, &sys_usable};
  return t;
}

}  // namespace stress
