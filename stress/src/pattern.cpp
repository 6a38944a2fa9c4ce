#include "pattern.h"

#include <cstring>

#include "rng.h"

namespace stress {
namespace {

constexpr std::size_t kEdge = 4096;  // sparse mode: bytes filled fully at each end
constexpr std::size_t kStride = 4096;

uint64_t seed_of(const Block& b) { return mix64(b.id ^ mix64(b.size) ^ (uint64_t{b.owner} << 48)); }

// Word at byte offset `off` (a multiple of 8). Never all zero bytes in practice.
inline uint64_t word_at(uint64_t seed, std::size_t off) {
  return (seed ^ (off * 0x9E3779B97F4A7C15ull)) | 0x0101010101010101ull;
}

// Calls f(begin, end) for each byte range that fill() writes in a block of `usable` bytes.
template <class F>
void for_each_region(std::size_t usable, F&& f) {
  if (usable <= kFullFillMax) {
    f(std::size_t{0}, usable);
    return;
  }
  f(std::size_t{0}, kEdge);
  for (std::size_t off = kEdge; off + 8 <= usable - kEdge; off += kStride) f(off, off + 8);
  f(usable - kEdge, usable);
}

void fill_range(unsigned char* p, uint64_t seed, std::size_t begin, std::size_t end) {
  std::size_t off = begin & ~std::size_t{7};
  for (; off < end; off += 8) {
    const uint64_t w = word_at(seed, off);
    const std::size_t lo = off < begin ? begin - off : 0;
    const std::size_t hi = end - off < 8 ? end - off : 8;
    if (lo == 0 && hi == 8) {
      std::memcpy(p + off, &w, 8);
    } else {
      std::memcpy(p + off + lo, reinterpret_cast<const unsigned char*>(&w) + lo, hi - lo);
    }
  }
}

bool check_range(const unsigned char* p, uint64_t seed, std::size_t begin, std::size_t end, Mismatch* m) {
  std::size_t off = begin & ~std::size_t{7};
  for (; off < end; off += 8) {
    const uint64_t w = word_at(seed, off);
    const std::size_t lo = off < begin ? begin - off : 0;
    const std::size_t hi = end - off < 8 ? end - off : 8;
    if (lo == 0 && hi == 8) {
      uint64_t v;
      std::memcpy(&v, p + off, 8);
      if (v == w) continue;
    }
    const auto* wb = reinterpret_cast<const unsigned char*>(&w);
    for (std::size_t i = lo; i < hi; ++i) {
      if (p[off + i] != wb[i]) {
        *m = {off + i, wb[i], p[off + i]};
        return false;
      }
    }
  }
  return true;
}

}  // namespace

void fill(const Block& b) {
  const uint64_t seed = seed_of(b);
  for_each_region(b.usable, [&](std::size_t lo, std::size_t hi) { fill_range(b.p, seed, lo, hi); });
}

bool verify(const Block& b, std::size_t limit, Mismatch* m) {
  const uint64_t seed = seed_of(b);
  bool ok = true;
  for_each_region(b.usable, [&](std::size_t lo, std::size_t hi) {
    if (!ok || lo >= limit) return;
    ok = check_range(b.p, seed, lo, hi < limit ? hi : limit, m);
  });
  return ok;
}

bool verify_zero(const unsigned char* p, std::size_t n, Mismatch* m) {
  bool ok = true;
  for_each_region(n, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; ok && i < hi; ++i) {
      if (p[i] != 0) {
        *m = {i, 0, p[i]};
        ok = false;
      }
    }
  });
  return ok;
}

}  // namespace stress
