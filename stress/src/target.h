// The allocator under test, as a table of functions. --target=system calls the plain malloc
// API through the PLT (so LD_PRELOAD decides who answers); --target=hakmem calls hak_*
// directly and can also drive and inspect hakmem (quiesce, heap check, fault injection).
#pragma once
#include <cstddef>
#include <cstdint>

#include "hakmem/hakmem.h"

namespace stress {

struct Target {
  const char* name;
  bool hakmem;
  void* (*malloc_)(std::size_t);
  void (*free_)(void*);
  void* (*calloc_)(std::size_t, std::size_t);
  void* (*realloc_)(void*, std::size_t);
  void* (*reallocarray_)(void*, std::size_t, std::size_t);
  void* (*aligned_alloc_)(std::size_t, std::size_t);
  int (*posix_memalign_)(void**, std::size_t, std::size_t);
  void* (*memalign_)(std::size_t, std::size_t);
  void* (*valloc_)(std::size_t);
  void* (*pvalloc_)(std::size_t);
  std::size_t (*usable_size_)(void*);
  // Entry points the process allocator does not provide (system target): left nullptr above
  // and not exercised. Empty when everything is there.
  const char* missing;
};

const Target& system_target();
// nullptr when this binary was built without the hakmem library. Calling it selects hakmem:
// from then on the hak:: controls below act on it.
const Target* hakmem_target();

// hakmem controls. Each is a no-op (heap_check returns false) for --target=system or when
// hakmem is not linked, so workloads can call them unconditionally.
namespace hak {
bool available();
bool heap_check(hak_heap_report* r);  // true when the call worked (r filled), whatever it found
void quiesce();
void drain_spill();
void thread_flush();
void set_pool_v2(bool on);
void set_bg_spill(bool on);
void os_fault_inject(uint64_t fail_nth, uint64_t fail_every);
// Sum of the telemetry counters of one flag family (e.g. "POOL_HOTBOX_V2_STATS"); false when
// that family is not compiled into this build.
bool stats_family_sum(const char* family, uint64_t* sum);
}  // namespace hak

}  // namespace stress
