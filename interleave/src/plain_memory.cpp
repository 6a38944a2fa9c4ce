// Plain (non-atomic) memory: FastTrack-style data race detection against happens-before, and
// use-after-free of memory a test poisoned.
#include <algorithm>
#include <string>

#include "engine.h"
#include "interleave/runtime.h"

namespace interleave {

// ---- plain memory: data races and use after free -------------------------------------------

bool Engine::poisoned(const void* addr) const noexcept {
  const auto a = reinterpret_cast<std::uintptr_t>(addr);
  for (const auto& [lo, hi] : poisoned_)
    if (a >= lo && a < hi) return true;
  return false;
}

void Engine::poison(const void* p, std::size_t n, bool on) {
  const auto lo = reinterpret_cast<std::uintptr_t>(p);
  if (on) {
    poisoned_.emplace_back(lo, lo + n);
    return;
  }
  std::erase_if(poisoned_, [&](const auto& r) { return r.first < lo + n && lo < r.second; });
}

void Engine::plain_access(const void* addr, bool write) {
  const char* what = write ? "write" : "read";
  if (!poisoned_.empty() && poisoned(addr))
    fail(FailureKind::kUseAfterFree,
         std::string("use after free: plain ") + what + " of " + hex(addr) + " by thread " +
             std::to_string(cur_),
         addr);
  PlainShadow& p = shadow_.get(reinterpret_cast<std::uintptr_t>(addr)).plain;
  const VectorClock& c = me().clock;
  if (p.write_tid >= 0 && p.write_tid != cur_ && !c.covers(p.write_tid, p.write_clock))
    fail(FailureKind::kDataRace,
         "data race on " + hex(addr) + ": write by thread " + std::to_string(p.write_tid) +
             " at step " + std::to_string(p.write_step) + " and " + what + " by thread " +
             std::to_string(cur_) + " at step " + std::to_string(step_) +
             " are not ordered by happens-before",
         addr);
  if (write) {
    for (int u = 0; u < n_; ++u)
      if (u != cur_ && p.read_clock[u] && !c.covers(u, p.read_clock[u]))
        fail(FailureKind::kDataRace,
             "data race on " + hex(addr) + ": read by thread " + std::to_string(u) + " at step " +
                 std::to_string(p.read_step[u]) + " and write by thread " + std::to_string(cur_) +
                 " at step " + std::to_string(step_) + " are not ordered by happens-before",
             addr);
    p.write_tid = static_cast<std::int8_t>(cur_);
    p.write_clock = c.c[cur_];
    p.write_step = step_;
    for (auto& r : p.read_clock) r = 0;
  } else {
    p.read_clock[cur_] = c.c[cur_];
    p.read_step[cur_] = step_;
  }
}

}  // namespace interleave
