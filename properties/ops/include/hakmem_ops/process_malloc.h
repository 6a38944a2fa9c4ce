// The process's own malloc (glibc, or whatever LD_PRELOAD put in place) behind the interface
// the executor drives, so the model-based checks run against any allocator: NULL handling,
// alignment, usable_size >= requested and stable, no overlap, contents survive, calloc zeroes,
// realloc keeps contents. Logical thread t != 0 runs each op on a fresh std::thread (real
// cross-thread frees). hakmem-only steps are no-ops (fault injection, flush, spill drain, pool
// v2, thread exit, quiesce), the executor skips its heap checks (kProcessMalloc) and accepts a
// block from realloc(p, 0) (C allows it; it is freed at once).
// HAKMEM_PROPERTY_TARGET=system selects it at run time (process_malloc_selected()).
#pragma once
#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "hakmem/core/options.h"
#include "hakmem/hakmem.h"

namespace hakmem_ops {

// true for `system`, false when unset or `hakmem`; anything else exits 2 naming the values.
inline bool process_malloc_selected() {
  static const bool selected = [] {
    const char* v = std::getenv("HAKMEM_PROPERTY_TARGET");
    if (!v || !*v || std::strcmp(v, "hakmem") == 0) return false;
    if (std::strcmp(v, "system") == 0) return true;
    std::fprintf(stderr, "HAKMEM_PROPERTY_TARGET=%s: unknown target (expected `hakmem` or `system`)\n", v);
    std::exit(2);
  }();
  return selected;
}

// Not inlined: the executor writes every usable byte, beyond what gcc's alloc_size knows.
#define HAKMEM_OPS_OPAQUE __attribute__((noinline))
class ProcessMalloc {
 public:
  static constexpr bool kProcessMalloc = true;
  struct Ctx {};  // not LogicalContext: real threads
  struct TraceT {
    static constexpr bool kOn = false;
  };
  struct Os {
    std::uint64_t failures() const { return 0; }
    void inject_faults(std::uint64_t, std::uint64_t) {}
  };

  explicit ProcessMalloc(const hakmem::Options&) {}

  HAKMEM_OPS_OPAQUE void* malloc(std::size_t n) { return ::malloc(n); }
  HAKMEM_OPS_OPAQUE void* calloc(std::size_t n, std::size_t m) { return ::calloc(n, m); }
  HAKMEM_OPS_OPAQUE void* realloc(void* p, std::size_t n) { return ::realloc(p, n); }
  HAKMEM_OPS_OPAQUE void* aligned_alloc(std::size_t al, std::size_t n) { return ::aligned_alloc(al, n); }
  HAKMEM_OPS_OPAQUE int posix_memalign(void** out, std::size_t al, std::size_t n) { return ::posix_memalign(out, al, n); }
  HAKMEM_OPS_OPAQUE void free(void* p) { ::free(p); }
  HAKMEM_OPS_OPAQUE std::size_t usable_size(void* p) { return ::malloc_usable_size(p); }

  Os& os() { return os_; }
  const void* arena_base() const { return nullptr; }
  bool pool_v2() const { return false; }
  void set_pool_v2(bool) {}
  void thread_exit() {}
  void thread_flush() {}
  void drain_spill() {}
  void quiesce() {}
  int check(hak_heap_report* r) {  // not reached: the executor skips its heap checks
    *r = hak_heap_report{};
    return 0;
  }

 private:
  Os os_;
};
#undef HAKMEM_OPS_OPAQUE

}  // namespace hakmem_ops
