#include <dlfcn.h>
#include <malloc.h>
#include <stdlib.h>

#include <cstring>

#include "target.h"

namespace stress {
namespace {
// Wrappers only where the signature differs; calls still go through the PLT.
std::size_t sys_usable(void* p) { return malloc_usable_size(p); }
void* sys_reallocarray(void* p, std::size_t n, std::size_t s) { return reallocarray(p, n, s); }

// With LD_PRELOAD=liballoc.so, an entry point the allocator does not define (jemalloc 5.3 has
// no pvalloc, tcmalloc no reallocarray) falls through to glibc, which would hand out glibc
// memory that the allocator's free() then chokes on. Such entry points are left out (nullptr).
bool from_malloc_object(const void* fn) {
  Dl_info m{}, f{};
  if (!dladdr(reinterpret_cast<void*>(&malloc), &m) || !dladdr(fn, &f)) return true;
  return m.dli_fbase == f.dli_fbase;
}

template <class F>
F keep_if_same(F fn, const char* name, char* missing, std::size_t n) {
  if (from_malloc_object(reinterpret_cast<const void*>(fn))) return fn;
  if (missing[0]) std::strncat(missing, ", ", n - std::strlen(missing) - 1);
  std::strncat(missing, name, n - std::strlen(missing) - 1);
  return nullptr;
}
}  // namespace

const Target& system_target() {
  static char missing[160] = "";
  static const Target t{
      "system",
      false,
      &malloc,
      &free,
      &calloc,
      &realloc,
      keep_if_same(&reallocarray, "reallocarray", missing, sizeof missing) ? &sys_reallocarray : nullptr,
      keep_if_same(&aligned_alloc, "aligned_alloc", missing, sizeof missing),
      keep_if_same(&posix_memalign, "posix_memalign", missing, sizeof missing),
      keep_if_same(&memalign, "memalign", missing, sizeof missing),
      keep_if_same(&valloc, "valloc", missing, sizeof missing),
      keep_if_same(&pvalloc, "pvalloc", missing, sizeof missing),
      keep_if_same(&malloc_usable_size, "malloc_usable_size", missing, sizeof missing) ? &sys_usable : nullptr,
      missing,
  };
  return t;
}

}  // namespace stress
