#include "treiber_no_tag.h"

#include "treiber_classic.h"

#include "decoy_registry.h"
#include "interleave/checked_atomics.h"
#include "spill_test.h"

namespace interleave::decoy {
namespace {

using Stack = TreiberNoTag<CheckedAtomics>;
using Classic = TreiberClassic<CheckedAtomics>;

// The classic 2-thread ABA: stack A->B->C; thread 0 pops once; thread 1 pops A, pops B and
// pushes A back while thread 0 sits between reading A->next and its CAS.
SpillScript script() { return {3, 64, {{SpillOp::kPop}, {SpillOp::kPop2Push1}}, CheckMode::kEveryStep}; }

[[maybe_unused]] const bool registered = [] {
  auto make = [](const std::string& n) { return std::make_unique<SpillTest<Stack>>(n, script()); };
  add("decoy.treiber_no_tag", make, "pointer-only CAS pop: ABA (reported by the ABA detector)");
  add("decoy.treiber_no_tag.noaba", make,
      "the same with the ABA detector off: the duplicated block must be caught by the checks",
      false);
  auto classic = [](const std::string& n) { return std::make_unique<SpillTest<Classic>>(n, script()); };
  add("decoy.treiber_classic", classic, "the textbook Treiber stack (no length): ABA");
  add("decoy.treiber_classic.noaba", classic,
      "the textbook Treiber stack with the ABA detector off: duplicated block", false);
  return true;
}();

}  // namespace
}  // namespace interleave::decoy
