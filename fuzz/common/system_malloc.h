// The process's own malloc (whatever LD_PRELOAD put in place, glibc otherwise) behind the method
// names of hakmem::Allocator that the api target calls, so one Run drives either. Chosen at run
// time by HAKMEM_FUZZ_TARGET (target_choice()): unset or `hakmem` keeps a private Allocator,
// `system` calls malloc/free/...; anything else is a configuration error (exit 2).
#pragma once
#include <malloc.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace hakmem::fuzz {

enum class Target { kHakmem, kSystem };

// Read once; an unknown value exits 2 naming the variable and the values it takes.
inline Target target_choice() {
  static const Target t = [] {
    const char* v = std::getenv("HAKMEM_FUZZ_TARGET");
    if (!v || !*v || std::strcmp(v, "hakmem") == 0) return Target::kHakmem;
    if (std::strcmp(v, "system") == 0) return Target::kSystem;
    std::fprintf(stderr, "HAKMEM_FUZZ_TARGET=%s: unknown target (expected `hakmem` or `system`)\n", v);
    std::exit(2);
  }();
  return t;
}

// Not inlined: the target writes every usable byte (malloc_usable_size may exceed the request),
// which gcc would otherwise flag against ::malloc's alloc_size (-Wstringop-overflow).
#define HAKMEM_FUZZ_OPAQUE __attribute__((noinline))
struct SystemMalloc {
  HAKMEM_FUZZ_OPAQUE void* malloc(std::size_t n) { return ::malloc(n); }
  HAKMEM_FUZZ_OPAQUE void free(void* p) { ::free(p); }
  HAKMEM_FUZZ_OPAQUE void* calloc(std::size_t n, std::size_t m) { return ::calloc(n, m); }
  HAKMEM_FUZZ_OPAQUE void* realloc(void* p, std::size_t n) { return ::realloc(p, n); }
  HAKMEM_FUZZ_OPAQUE void* reallocarray(void* p, std::size_t n, std::size_t m) { return ::reallocarray(p, n, m); }
  HAKMEM_FUZZ_OPAQUE void* aligned_alloc(std::size_t al, std::size_t n) { return ::aligned_alloc(al, n); }
  HAKMEM_FUZZ_OPAQUE int posix_memalign(void** out, std::size_t al, std::size_t n) { return ::posix_memalign(out, al, n); }
  HAKMEM_FUZZ_OPAQUE void* memalign(std::size_t al, std::size_t n) { return ::memalign(al, n); }
  HAKMEM_FUZZ_OPAQUE void* valloc(std::size_t n) { return ::valloc(n); }
  HAKMEM_FUZZ_OPAQUE void* pvalloc(std::size_t n) { return ::pvalloc(n); }
  HAKMEM_FUZZ_OPAQUE std::size_t usable_size(void* p) { return ::malloc_usable_size(p); }
};
#undef HAKMEM_FUZZ_OPAQUE

}  // namespace hakmem::fuzz
