#include "tool_memory.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>

namespace stress {

void* tool_map(std::size_t bytes) {
  void* p = mmap(nullptr, bytes ? bytes : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    std::perror("hakmem-stress: mmap for tool memory");
    std::abort();
  }
  return p;
}

void tool_unmap(void* p, std::size_t bytes) { munmap(p, bytes ? bytes : 1); }

namespace {
class MmapResource final : public std::pmr::memory_resource {
  void* do_allocate(std::size_t bytes, std::size_t) override { return tool_map(bytes); }
  void do_deallocate(void* p, std::size_t bytes, std::size_t) override { tool_unmap(p, bytes); }
  bool do_is_equal(const memory_resource& o) const noexcept override { return this == &o; }
};
}  // namespace

std::pmr::memory_resource* tool_resource() {
  static MmapResource r;
  return &r;
}

}  // namespace stress
