// One block handed out by the allocator under test, as the tool remembers it.
#pragma once
#include <cstddef>
#include <cstdint>

namespace stress {

struct Block {
  unsigned char* p = nullptr;
  std::size_t size = 0;    // bytes requested
  std::size_t usable = 0;  // usable_size() at allocation (>= size unless reported)
  uint64_t id = 0;         // unique per run: (global thread id << 40) | sequence
  uint32_t owner = 0;      // global id of the allocating thread
  uint32_t align = 0;      // alignment asked for (0 = plain malloc)

  explicit operator bool() const { return p != nullptr; }
};

}  // namespace stress
