// The process's own view of its memory, for tests that check what an instance gives back.
#pragma once
#include <cstddef>
#include <cstdio>

namespace hakmem::test {

// The address space this process has mapped, from /proc/self/statm (under a sanitizer, its
// shadow and bookkeeping too).
inline std::size_t mapped_address_space() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  unsigned long pages = 0;
  if (f) {
    if (std::fscanf(f, "%lu", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  return pages * 4096;
}

}  // namespace hakmem::test
