#include "publish_before_link.h"

#include "decoy_registry.h"
#include "interleave/checked_atomics.h"
#include "spill_test.h"

namespace interleave::decoy {
namespace {

using Stack = PublishBeforeLink<CheckedAtomics>;

[[maybe_unused]] const bool registered = [] {
  auto make = [](CheckMode m) {
    return [m](const std::string& n) {
      return std::make_unique<SpillTest<Stack>>(
          n, SpillScript{2, 64, {{SpillOp::kPush}, {SpillOp::kPop, SpillOp::kPop}}, m});
    };
  };
  add("decoy.publish_before_link", make(CheckMode::kEveryStep),
      "push publishes before linking: the per-step list/length invariant breaks");
  add("decoy.publish_before_link.observed", make(CheckMode::kObserver),
      "the same, checked only by what is observable: a pop must hit the window and lose blocks");
  return true;
}();

}  // namespace
}  // namespace interleave::decoy
