// Vector clocks for happens-before. Thread t's own component starts at 1 and is bumped after
// every release, so an epoch (t, c) recorded by a Plain access is ordered before thread u's
// later access exactly when u's clock has c in component t.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>

#include "interleave/config.h"

namespace interleave {

struct VectorClock {
  std::array<std::uint32_t, kMaxThreads> c{};

  void join(const VectorClock& o) noexcept {
    for (int i = 0; i < kMaxThreads; ++i) c[i] = std::max(c[i], o.c[i]);
  }
  void clear() noexcept { c.fill(0); }
  // Is the event (tid, clock) ordered before the owner of this clock's next event?
  bool covers(int tid, std::uint32_t clock) const noexcept { return c[tid] >= clock; }
};

}  // namespace interleave
