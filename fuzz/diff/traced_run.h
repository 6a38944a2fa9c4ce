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

// Any of the 512 masks, chosen at run time. The instantiations are spread over eight
// translation units of 64 masks each (mask_block.cpp.in) to keep compile time parallel.
inline constexpr unsigned kMasksPerBlock = 64;
#define HAKMEM_FUZZ_DECLARE_BLOCK(k) \
  TracedResult run_traced_block_##k(unsigned mask, std::span<const hakmem_ops::Op> ops, const Options& opt);
HAKMEM_FUZZ_DECLARE_BLOCK(0)
HAKMEM_FUZZ_DECLARE_BLOCK(1)
HAKMEM_FUZZ_DECLARE_BLOCK(2)
HAKMEM_FUZZ_DECLARE_BLOCK(3)
HAKMEM_FUZZ_DECLARE_BLOCK(4)
HAKMEM_FUZZ_DECLARE_BLOCK(5)
HAKMEM_FUZZ_DECLARE_BLOCK(6)
HAKMEM_FUZZ_DECLARE_BLOCK(7)
#undef HAKMEM_FUZZ_DECLARE_BLOCK

inline TracedResult run_traced_mask(unsigned mask, std::span<const hakmem_ops::Op> ops, const Options& opt) {
  using Fn = TracedResult (*)(unsigned, std::span<const hakmem_ops::Op>, const Options&);
  static constexpr Fn kBlocks[] = {run_traced_block_0, run_traced_block_1, run_traced_block_2, run_traced_block_3,
                                   run_traced_block_4, run_traced_block_5, run_traced_block_6, run_traced_block_7};
  return kBlocks[(mask / kMasksPerBlock) % 8](mask, ops, opt);
}

}  // namespace hakmem::fuzz
