#include "length_wrong_side.h"

#include "decoy_registry.h"
#include "interleave/checked_atomics.h"
#include "spill_test.h"

namespace interleave::decoy {
namespace {

using AfterPublish = LengthWrongSide<CheckedAtomics, LengthBug::kAfterPublish>;
using BeforeUnlink = LengthWrongSide<CheckedAtomics, LengthBug::kBeforeUnlink>;

template <class Stack>
auto maker(SpillScript s) {
  return [s](const std::string& n) { return std::make_unique<SpillTest<Stack>>(n, s); };
}

[[maybe_unused]] const bool registered = [] {
  using enum SpillOp;
  // A push into an empty stack races with a pop that takes the new block.
  const SpillScript push_pop{0, 64, {{kPush}, {kPop}}, CheckMode::kEveryStep};
  SpillScript push_pop_observed = push_pop;
  push_pop_observed.mode = CheckMode::kObserver;
  add("decoy.length_after_publish", maker<AfterPublish>(push_pop),
      "length raised after publish: per-step invariant 6");
  add("decoy.length_after_publish.observed", maker<AfterPublish>(push_pop_observed),
      "length raised after publish: an observer must see it negative");
  // Two pops race for the last block.
  const SpillScript pop_pop{1, 64, {{kPop}, {kPop}}, CheckMode::kEveryStep};
  SpillScript pop_pop_observed = pop_pop;
  pop_pop_observed.mode = CheckMode::kObserver;
  add("decoy.length_before_unlink", maker<BeforeUnlink>(pop_pop),
      "length lowered before unlink: per-step invariant 6");
  add("decoy.length_before_unlink.observed", maker<BeforeUnlink>(pop_pop_observed),
      "length lowered before unlink: an observer must see it negative");
  return true;
}();

}  // namespace
}  // namespace interleave::decoy
