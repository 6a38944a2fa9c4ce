// The real hakmem::SpillStack under the checker.
#include <new>

#include "hakmem/core/spill_stack.h"
#include "interleave/checked_atomics.h"
#include "interleave/registry.h"
#include "spill_test.h"

namespace interleave {
namespace {

using Real = hakmem::SpillStack<CheckedAtomics>;
using enum SpillOp;

void add(const std::string& name, SpillScript s, std::string about, StrategyKind k = StrategyKind::kDfs) {
  Options o;
  o.strategy = k;
  o.preemption_bound = 2;
  o.max_runs = 200000;
  register_scenario({name, [name, s] { return std::make_unique<SpillTest<Real>>(name, s); }, false, o,
                     std::move(about)});
}

[[maybe_unused]] const bool registered = [] {
  add("spill.push_pop.2t", {2, 64, {{kPush, kPop}, {kPop, kPush}}, CheckMode::kEveryStep},
      "two threads each push and pop once");
  add("spill.pop_reuse.2t", {3, 64, {{kPop}, {kPopReuse, kPop}}, CheckMode::kEveryStep},
      "a pop races with a pop that reuses its block and pushes it back (the ABA shape)");
  add("spill.chain_drain.2t", {1, 64, {{kPushChain2, kPop}, {kDrain}}, CheckMode::kEveryStep},
      "a chain push races with a drain");
  add("spill.flow.3t", {1, 2, {{kPush, kPop}, {kPush, kPush}, {kPop}}, CheckMode::kEveryStep},
      "pushes under flow control (target 2) race with pops");
  add("spill.mixed.3t", {2, 64, {{kPush, kPop}, {kPopReuse}, {kDrain}}, CheckMode::kEveryStep},
      "push/pop, pop-reuse and a drain on three threads");
  add("spill.observed.3t", {1, 64, {{kPush, kPop}, {kPop, kPush}}, CheckMode::kObserver},
      "two workers and an observer that reads length() like the free path");
  return true;
}();

}  // namespace
}  // namespace interleave
