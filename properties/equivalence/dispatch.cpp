// mask -> runner, joining the eight generated tables; and the Phase 28 decoy's runners.
#include <array>

#include "run_one.h"

namespace hakmem_equiv {

extern const std::array<RunFn, 64> kRunners0, kRunners1, kRunners2, kRunners3, kRunners4,
    kRunners5, kRunners6, kRunners7;

static_assert(hakmem::kMaskCount == 8 * 64, "the mask tables cover 8 x 64 masks");

RunFn runner(std::uint32_t mask) {
  static const std::array<RunFn, 64>* const parts[] = {&kRunners0, &kRunners1, &kRunners2, &kRunners3,
                                                       &kRunners4, &kRunners5, &kRunners6, &kRunners7};
  return mask < hakmem::kMaskCount ? (*parts[mask / 64])[mask % 64] : nullptr;
}

namespace {
template <std::size_t... I>
RunFn quirk_table(std::uint32_t mask, std::index_sequence<I...>) {
  RunFn f = nullptr;
  ((mask == kQuirkMasks[I] ? (f = &run_one<EquivConfig<kQuirkMasks[I], hakmem::Phase28Quirk>>) : f), ...);
  return f;
}
}  // namespace

RunFn quirk_runner(std::uint32_t mask) {
  return quirk_table(mask, std::make_index_sequence<std::size(kQuirkMasks)>{});
}

}  // namespace hakmem_equiv
