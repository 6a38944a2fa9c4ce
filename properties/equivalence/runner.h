// One run of a workload on one telemetry configuration: the behaviour trace, each flag family's
// counter total, and any invariant violation. The 512 configurations are reached through a
// dispatch table (mask -> function), filled by eight translation units of 64 masks each.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "hakmem/core/allocator.h"
#include "hakmem/core/telemetry_flags.h"
#include "hakmem_ops/op.h"

namespace hakmem_equiv {

struct Workload {
  std::string name;
  std::uint64_t seed = 0;  // the replay handle (random workloads: the ops' seed)
  std::vector<hakmem_ops::Op> ops;
  hakmem::Options options;
};

struct RunResult {
  std::vector<hakmem::TraceEvent> trace;
  std::uint64_t family_total[hakmem::kFlagCount] = {};  // 0 for flags not compiled in
  std::string violation;                                // empty: every invariant held
};

using RunFn = RunResult (*)(const Workload&);

// Allocator<Config<mask, StdAtomics, LogicalContext, RecordingTrace>> for every mask.
RunFn runner(std::uint32_t mask);

// The Phase 28 decoy (hakmem::Phase28Quirk) for the few masks that expose it.
inline constexpr std::uint32_t kQuirkMasks[] = {
    0, hakmem::flag_bit(hakmem::Flag::TINY_FREE_STATS), hakmem::kAllFlagsMask,
    hakmem::kAllFlagsMask & ~hakmem::flag_bit(hakmem::Flag::TINY_FREE_STATS)};
RunFn quirk_runner(std::uint32_t mask);  // nullptr for masks not in kQuirkMasks

}  // namespace hakmem_equiv
