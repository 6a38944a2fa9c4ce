#include "active_allocator.h"

#include <dlfcn.h>

#include <cstdlib>

namespace preload {
namespace {

std::string object_of(void* symbol) {
  Dl_info info{};
  if (!symbol || !dladdr(symbol, &info) || !info.dli_fname) return "?";
  return info.dli_fname;
}

}  // namespace

UsableSizeFn hak_usable_size_fn() {
  return reinterpret_cast<UsableSizeFn>(dlsym(RTLD_DEFAULT, "hak_usable_size"));
}

size_t opaque_size(size_t n) {
  volatile size_t v = n;
  return v;
}

ActiveAllocator detect_active_allocator() {
  ActiveAllocator a;
  void* malloc_sym = dlsym(RTLD_DEFAULT, "malloc");
  void* mask_sym = dlsym(RTLD_DEFAULT, "hak_telemetry_mask");
  a.malloc_object = object_of(malloc_sym);
  if (!mask_sym) {
    a.detail = "hak_telemetry_mask is not defined: hakmem is not loaded; malloc comes from " +
               a.malloc_object;
    return a;
  }
  if (object_of(mask_sym) != a.malloc_object) {
    a.detail = "hakmem is loaded (" + object_of(mask_sym) + ") but malloc resolves to " +
               a.malloc_object;
    return a;
  }
  // The decisive check: a block from plain malloc is one hakmem knows and sizes.
  UsableSizeFn usable = hak_usable_size_fn();
  void* p = std::malloc(opaque_size(100));
  size_t n = usable ? usable(p) : 0;
  std::free(p);
  if (n < 100) {
    a.detail = "hak_usable_size(malloc(100)) = " + std::to_string(n);
    return a;
  }
  a.hakmem = true;
  a.detail = "malloc and hak_telemetry_mask both in " + a.malloc_object +
             "; hak_usable_size(malloc(100)) = " + std::to_string(n);
  return a;
}

}  // namespace preload
