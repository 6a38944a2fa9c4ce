// One traced run of an op sequence on Allocator<Config<Mask, StdAtomics, LogicalContext,
// RecordingTrace, Quirks>>: the behaviour trace (DESIGN.md, "What behaviour means") including
// the final slab and queue state, plus whatever violation the op interpreter found.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "hakmem/core/allocator.h"
#include "hakmem_ops/executor.h"
#include "hakmem_ops/logical_context.h"

namespace hakmem::fuzz {

struct TracedResult {
  std::vector<TraceEvent> events;
  std::optional<hakmem_ops::Violation> violation;
};

template <std::uint32_t Mask, class Quirks = NoQuirks>
using TracedAlloc = Allocator<Config<Mask, StdAtomics, hakmem_ops::LogicalContext, RecordingTrace, Quirks>>;

template <std::uint32_t Mask, class Quirks = NoQuirks>
TracedResult run_traced(std::span<const hakmem_ops::Op> ops, const Options& opt) {
  hakmem_ops::Executor<TracedAlloc<Mask, Quirks>> ex(opt);
  TracedResult r;
  r.violation = ex.run(ops);
  ex.alloc().record_final_state();
  r.events = std::move(ex.alloc().trace().events);
  return r;
}

// The masked side of the diff, chosen at run time. Two implementations: all 512 masks
// (mask_block.cpp.in x 8, HAKMEM_FUZZ_DIFF_ALL_MASKS=ON) or 20 representative ones
// (representative_masks.cpp, the default). effective_mask() maps the input's mask to a built one.
inline constexpr unsigned kMasksPerBlock = 64;
std::uint32_t effective_mask(std::uint32_t input_mask);
TracedResult run_traced_mask(std::uint32_t mask, std::span<const hakmem_ops::Op> ops, const Options& opt);

}  // namespace hakmem::fuzz
