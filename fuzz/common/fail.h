// How a fuzz target reports a broken invariant: one line naming the invariant, the pointer,
// the logical thread and the step, then abort() so libFuzzer (or the replay main) saves the
// input and ctest sees the failure.
#pragma once
#include <cstdio>
#include <cstdlib>

namespace hakmem::fuzz {

[[noreturn]] inline void fail(const char* target, const char* invariant, const void* ptr, int thread,
                              unsigned long step, const char* detail = "") {
  std::fprintf(stderr, "FUZZ FAILURE [%s] %s: pointer=%p thread=%d step=%lu %s\n", target, invariant,
               ptr, thread, step, detail);
  std::fflush(stderr);
  std::abort();
}

}  // namespace hakmem::fuzz

#define HAKMEM_FUZZ_CHECK(cond, target, invariant, ptr, thread, step)                 \
  do {                                                                                \
    if (!(cond)) ::hakmem::fuzz::fail(target, invariant, ptr, thread, step, #cond);   \
  } while (0)
