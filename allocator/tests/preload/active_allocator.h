// Which malloc is this process really using? The preload tests must fail, not silently test
// glibc, when LD_PRELOAD did not take; the glibc baseline must really run on glibc.
#pragma once

#include <cstddef>
#include <string>

namespace preload {

// Built twice from the same sources: 1 = run under LD_PRELOAD=libhakmem.so, 0 = glibc baseline.
inline constexpr bool kExpectHakmem = HAKMEM_PRELOAD_EXPECT_HAKMEM != 0;

struct ActiveAllocator {
  bool hakmem = false;   // hakmem's own symbols are present and malloc resolves into hakmem
  std::string malloc_object;  // file that defines the malloc this process calls
  std::string detail;    // why `hakmem` is false, or what was checked
};

ActiveAllocator detect_active_allocator();

// hakmem's hak_usable_size, found with dlsym; nullptr when hakmem is not loaded.
using UsableSizeFn = size_t (*)(const void*);
UsableSizeFn hak_usable_size_fn();

// Hides a pointer from the optimiser so that deliberate misuse (double free, freeing a stack
// address) is compiled as written and draws no -Werror diagnostics.
template <class T>
T* opaque(T* p) {
  asm volatile("" : "+r"(p));
  return p;
}

// A size the compiler cannot see through (keeps huge requests from drawing warnings).
size_t opaque_size(size_t n);

}  // namespace preload
