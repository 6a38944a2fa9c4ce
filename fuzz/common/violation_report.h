// Reports a violation found by the shared op interpreter (properties/ops) in the fuzzers'
// one-line format, then aborts so libFuzzer keeps the input.
#pragma once
#include <cstdio>
#include <cstdlib>

#include "hakmem_ops/violation.h"

namespace hakmem::fuzz {

[[noreturn]] inline void fail_violation(const char* target, const hakmem_ops::Violation& v) {
  std::fprintf(stderr, "FUZZ FAILURE [%s] invariant %s: pointer=%p thread=%u step=%zu%s slot=%u: %s\n", target,
               v.invariant, v.ptr, static_cast<unsigned>(v.op.thread), v.op_index, v.in_finish ? " (finish)" : "",
               v.slot, v.to_string().c_str());
  std::fflush(stderr);
  std::abort();
}

// The spill-queue flow-control target from one input byte: tiny targets make short inputs
// reach the spill queue, the drainer and the slab-return path; 256 is production's default.
inline std::uint32_t spill_target_from(std::uint8_t b) {
  static constexpr std::uint32_t kTargets[] = {1, 4, 16, 256};
  return kTargets[b % 4];
}

}  // namespace hakmem::fuzz
