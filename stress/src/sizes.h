// Request sizes, by hakmem's classes: tiny C0..C19 (16..1024 B), the mid-size pool
// (up to 128 KiB) and large blocks (mapped on their own). The black-box targets see the same
// mix, which covers the usual class boundaries of other allocators too.
#pragma once
#include <cstddef>

#include "rng.h"

namespace stress {

inline constexpr std::size_t kTinyMax = 1024;
inline constexpr std::size_t kMidMax = 128 * 1024;

// 1..15 bytes: below the minimum block, to check the small-request alignment rule.
inline std::size_t sub16_size(Rng& r) { return r.range(1, 15); }

// 16..1024, spread over the classes (log-uniform), with off-by-one sizes around boundaries.
inline std::size_t tiny_size(Rng& r) {
  const unsigned shift = static_cast<unsigned>(r.range(4, 9));  // 16 .. 512
  const std::size_t lo = std::size_t{1} << shift;
  std::size_t s = r.range(lo, lo * 2);
  if (r.one_in(8)) s = lo * 2;  // exactly a class size
  return s > kTinyMax ? kTinyMax : s;
}

// 1025..128 KiB, log-uniform over the pool classes.
inline std::size_t mid_size(Rng& r) {
  const unsigned shift = static_cast<unsigned>(r.range(10, 16));  // 1 KiB .. 64 KiB
  const std::size_t lo = (std::size_t{1} << shift) + 1;
  return r.range(lo, lo * 2 - 1 > kMidMax ? kMidMax : lo * 2 - 1);
}

// Just over the pool up to `max` (default 1 MiB).
inline std::size_t large_size(Rng& r, std::size_t max = 1 << 20) { return r.range(kMidMax + 1, max); }

// The general mix: mostly tiny, a good share of mid, a few large and sub-16 requests.
inline std::size_t mixed_size(Rng& r) {
  const auto roll = r.below(1000);
  if (roll < 30) return sub16_size(r);
  if (roll < 730) return tiny_size(r);
  if (roll < 997) return mid_size(r);
  return large_size(r, 256 * 1024);
}

}  // namespace stress
