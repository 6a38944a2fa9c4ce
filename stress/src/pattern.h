// The contents every live block carries: a word stream derived from (block id, size, owner).
// A block is filled over all its usable bytes when allocated and checked when freed, so a
// block handed out twice, an overlap, or a lost realloc tail shows up as a mismatch.
#pragma once
#include <cstddef>
#include <cstdint>

#include "block.h"

namespace stress {

struct Mismatch {
  std::size_t offset = 0;
  uint8_t expected = 0;
  uint8_t actual = 0;
};

// Blocks above this size are filled sparsely (head, tail and one word per page) so large
// blocks do not dominate run time; every page is still touched.
inline constexpr std::size_t kFullFillMax = 64 * 1024;

void fill(const Block& b);
// Checks the bytes [0, min(limit, usable)) that fill() wrote for b's geometry.
bool verify(const Block& b, std::size_t limit, Mismatch* m);
inline bool verify(const Block& b, Mismatch* m) { return verify(b, SIZE_MAX, m); }
// Checks that [p, p+n) is all zero (calloc); sparse above kFullFillMax like fill().
bool verify_zero(const unsigned char* p, std::size_t n, Mismatch* m);

}  // namespace stress
