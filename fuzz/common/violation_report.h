// Reports a violation found by the shared op interpreter (properties/ops) in the fuzzers'
// one-line format, then aborts so libFuzzer keeps the input.
#pragma once
#include <cstdio>
#include <cstdlib>

#include "hakmem/core/options.h"
#include "hakmem_ops/violation.h"

namespace hakmem::fuzz {

[[noreturn]] inline void fail_violation(const char* target, const hakmem_ops::Violation& v) {
  std::fprintf(stderr, "FUZZ FAILURE [%s] invariant %s: pointer=%p thread=%u step=%zu%s slot=%u: %s\n", target,
               v.invariant, v.ptr, static_cast<unsigned>(v.op.thread), v.op_index, v.in_finish ? " (finish)" : "",
               v.slot, v.to_string().c_str());
  std::fflush(stderr);
  std::abort();
}

// The spill-queue flow-control target from one input byte's low two bits: tiny targets make
// short inputs reach the spill queue, the drainer and the slab-return path.
inline std::uint32_t spill_target_from(std::uint8_t b) {
  static constexpr std::uint32_t kTargets[] = {1, 4, 16, 256};
  return kTargets[b % 4];
}

// The pool caches' budget from the same byte's next two bits: production's, none (every
// mid-size op takes its class lock), the least (two blocks a class: they overflow all the time)
// or 1 MiB (sixteen blocks of most classes).
inline std::size_t pool_cache_bytes_from(std::uint8_t b) {
  static constexpr std::size_t kBytes[] = {Options{}.pool_cache_bytes, 0, 1, std::size_t{1} << 20};
  return kBytes[(b >> 2) % 4];
}

}  // namespace hakmem::fuzz
