// The default mask dispatch of the `diff` target: 20 representative telemetry masks instead of
// all 512 (whose 512 allocator instantiations take tens of CPU-minutes under ASan on a shared
// two-core machine). Every flag is covered alone and missing alone, plus all-off and all-on.
// HAKMEM_FUZZ_DIFF_ALL_MASKS=ON builds mask_block.cpp.in x 8 instead (nightly).
#include <utility>

#include "diff/traced_run.h"

namespace hakmem::fuzz {
namespace {

constexpr std::uint32_t kAll = kAllFlagsMask;
constexpr std::uint32_t kMasks[] = {
    0, kAll,
    1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4, 1u << 5, 1u << 6, 1u << 7, 1u << 8,
    kAll & ~(1u << 0), kAll & ~(1u << 1), kAll & ~(1u << 2), kAll & ~(1u << 3), kAll & ~(1u << 4),
    kAll & ~(1u << 5), kAll & ~(1u << 6), kAll & ~(1u << 7), kAll & ~(1u << 8)};
static_assert(kFlagCount == 9, "one single-flag and one all-but-one mask per flag");

template <std::size_t... I>
TracedResult dispatch(std::uint32_t mask, std::span<const hakmem_ops::Op> ops, const Options& opt,
                      std::index_sequence<I...>) {
  TracedResult r;
  ((mask == kMasks[I] ? (void)(r = run_traced<kMasks[I]>(ops, opt)) : void()), ...);
  return r;
}

}  // namespace

std::uint32_t effective_mask(std::uint32_t input_mask) { return kMasks[input_mask % std::size(kMasks)]; }

TracedResult run_traced_mask(std::uint32_t mask, std::span<const hakmem_ops::Op> ops, const Options& opt) {
  return dispatch(mask, ops, opt, std::make_index_sequence<std::size(kMasks)>{});
}

}  // namespace hakmem::fuzz
