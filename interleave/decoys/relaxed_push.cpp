#include "relaxed_push.h"

#include "decoy_registry.h"
#include "interleave/checked_atomics.h"
#include "interleave/registry.h"
#include "spill_test.h"

namespace interleave::decoy {
namespace {

using Stack = RelaxedPush<CheckedAtomics>;

[[maybe_unused]] const bool registered = [] {
  // Thread 1 pushes a fresh block while thread 0 pops twice: a pop that sees the new head may
  // read the block's link from before the push (zero) and lose the rest of the stack.
  auto make = [](const std::string& n) {
    return std::make_unique<SpillTest<Stack>>(
        n, SpillScript{2, 64, {{SpillOp::kPop, SpillOp::kPop}, {SpillOp::kPush}}, CheckMode::kEveryStep});
  };
  add("decoy.relaxed_push", make, "push publishes with a relaxed CAS: found by the weak-memory tier", true,
      true);
  // The same decoy without the weak tier: it must NOT be reported (no race, SC-correct).
  register_scenario({"decoy.relaxed_push.sc", [make] { return make("decoy.relaxed_push.sc"); }, false,
                     Options{}, "the relaxed-push decoy under SC interleavings: invisible there"});
  return true;
}();

}  // namespace
}  // namespace interleave::decoy
