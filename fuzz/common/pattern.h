// Block contents: every live block carries a pattern derived from its identity, written over
// all its usable bytes (large blocks: the first and last KiB, to stay fast), and checked when
// the block is freed or reallocated. A mismatch means another block or the allocator's own
// metadata wrote into a live block (invariants 1 and 3).
#pragma once
#include <cstddef>
#include <cstdint>

namespace hakmem::fuzz {

inline constexpr std::size_t kPatternEdge = 1024;

inline std::uint8_t pattern_byte(std::uint32_t tag, std::size_t i) noexcept {
  return static_cast<std::uint8_t>((tag * 0x9Du) ^ (i * 0x3Bu) ^ (i >> 8));
}

template <class F>
inline void for_pattern_range(std::size_t bytes, F&& f) {
  if (bytes <= 2 * kPatternEdge) {
    for (std::size_t i = 0; i < bytes; ++i) f(i);
    return;
  }
  for (std::size_t i = 0; i < kPatternEdge; ++i) f(i);
  for (std::size_t i = bytes - kPatternEdge; i < bytes; ++i) f(i);
}

inline void fill_pattern(void* p, std::size_t bytes, std::uint32_t tag) noexcept {
  auto* b = static_cast<std::uint8_t*>(p);
  for_pattern_range(bytes, [&](std::size_t i) { b[i] = pattern_byte(tag, i); });
}

// Returns the offset of the first wrong byte, or SIZE_MAX when the pattern is intact.
inline std::size_t find_pattern_damage(const void* p, std::size_t bytes, std::uint32_t tag) noexcept {
  const auto* b = static_cast<const std::uint8_t*>(p);
  std::size_t bad = SIZE_MAX;
  for_pattern_range(bytes, [&](std::size_t i) {
    if (bad == SIZE_MAX && b[i] != pattern_byte(tag, i)) bad = i;
  });
  return bad;
}

}  // namespace hakmem::fuzz
