// Self-checks shared by the benchmark programs: every block carries a stamp derived from an id
// (and the block's size), verified right before the block is freed. A block that overlaps
// another live block, or was handed out twice, shows up as a wrong stamp, and the program stops
// with exit 1 naming what was wrong, so a speed number never comes from a broken allocator.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace bench {

// A 64-bit mix of an id (splitmix64's finaliser): neighbouring ids give unrelated stamps.
inline uint64_t stamp_of(uint64_t id) {
  uint64_t z = id + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Writes the stamp at both ends of the block: its first 8 bytes (fewer in a smaller block) and,
// past those, its last byte. size >= 1.
inline void stamp(void* p, size_t size, uint64_t id) {
  uint64_t s = stamp_of(id);
  std::memcpy(p, &s, size < 8 ? size : 8);
  if (size > 8) static_cast<unsigned char*>(p)[size - 1] = static_cast<unsigned char>(s >> 56);
}

inline bool stamp_ok(const void* p, size_t size, uint64_t id) {
  uint64_t s = stamp_of(id), head = 0;
  std::memcpy(&head, p, size < 8 ? size : 8);
  uint64_t mask = size < 8 ? (uint64_t{1} << (8 * size)) - 1 : ~uint64_t{0};
  return (head & mask) == (s & mask) &&
         (size <= 8 || static_cast<const unsigned char*>(p)[size - 1] == static_cast<unsigned char>(s >> 56));
}

// Prints "PROGRAM: CHECK FAILED: ..." and exits 1.
[[noreturn]] inline void check_failed(const char* program, const char* fmt, ...) {
  std::fprintf(stderr, "%s: CHECK FAILED: ", program);
  va_list args;
  va_start(args, fmt);
  std::vfprintf(stderr, fmt, args);
  va_end(args);
  std::fputc('\n', stderr);
  std::exit(1);
}

// malloc that stops the program on NULL (no benchmark here runs near the memory limit).
inline void* xmalloc(const char* program, size_t size) {
  void* p = std::malloc(size);
  if (!p) check_failed(program, "malloc(%zu) returned NULL", size);
  return p;
}

}  // namespace bench
