// libhakmem.so: the standard allocation functions, so LD_PRELOAD makes hakmem the process
// allocator. malloc and free go straight to the inlined hot paths; the rest forward to the
// hak_* function of the same meaning.
#include <stddef.h>

#include "hakmem/hakmem.h"
#include "production.h"

#define HAKMEM_SHIM extern "C" __attribute__((visibility("default")))

namespace {
// The first calls of the process, out of line so the fast paths below need no stack frame.
[[gnu::noinline]] void* malloc_first(size_t size) noexcept { return hakmem::production_init()->malloc(size); }
[[gnu::noinline]] void free_first(void* p) noexcept { hakmem::production_init()->free(p); }
// Everything but a thread-cache hit, out of line: the hit then keeps nothing alive for it but
// `size` (inlined, it kept the class and a copy of the size in registers: 3 moves a call).
[[gnu::noinline]] void* malloc_miss(size_t size) noexcept {
  if (auto* a = hakmem::g_production.load(std::memory_order_acquire); HAKMEM_LIKELY(a != nullptr))
    return a->malloc(size);
  return malloc_first(size);
}
// NULL, large blocks, and frees before the first malloc.
[[gnu::noinline]] void free_outside_arena(void* p) noexcept {
  if (p == nullptr) return;
  if (auto* a = hakmem::g_production.load(std::memory_order_acquire); HAKMEM_LIKELY(a != nullptr)) return a->free(p);
  free_first(p);
}
}  // namespace

HAKMEM_SHIM void* malloc(size_t size) noexcept {
  if (void* p = hakmem::ProductionAllocator::malloc_from_thread_cache(size); HAKMEM_LIKELY(p != nullptr)) return p;
  return malloc_miss(size);
}
HAKMEM_SHIM void free(void* p) noexcept {
  if (HAKMEM_LIKELY(hakmem::ProductionAllocator::free_in_arena(p))) return;
  free_outside_arena(p);
}
HAKMEM_SHIM void* calloc(size_t n, size_t size) noexcept { return hak_calloc(n, size); }
HAKMEM_SHIM void* realloc(void* p, size_t size) noexcept { return hak_realloc(p, size); }
HAKMEM_SHIM void* reallocarray(void* p, size_t n, size_t size) noexcept { return hak_reallocarray(p, n, size); }
HAKMEM_SHIM void* aligned_alloc(size_t align, size_t size) noexcept { return hak_aligned_alloc(align, size); }
HAKMEM_SHIM int posix_memalign(void** out, size_t align, size_t size) noexcept {
  return hak_posix_memalign(out, align, size);
}
HAKMEM_SHIM void* memalign(size_t align, size_t size) noexcept { return hak_memalign(align, size); }
HAKMEM_SHIM void* valloc(size_t size) noexcept { return hak_valloc(size); }
HAKMEM_SHIM void* pvalloc(size_t size) noexcept { return hak_pvalloc(size); }
HAKMEM_SHIM size_t malloc_usable_size(void* p) noexcept { return hak_usable_size(p); }
