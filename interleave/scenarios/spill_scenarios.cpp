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

void add(const std::string& name, SpillScript s, std::string about, StrategyKind k = StrategyKind::kDfs,
         bool aba_fatal = true) {
  Options o;
  o.aba_fatal = aba_fatal;
  o.strategy = k;
  o.aba_fatal = aba_fatal;
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
  add("spill.pop_reuse.aged.2t", {3, 64, {{kPop}, {kPopReuse, kPop}}, CheckMode::kEveryStep, 40},
      "the ABA shape on a stack 80 CASes old: its tag must still change on every CAS");
  add("spill.reserve.3t", {0, 1, {{kReserve, kPop}, {kReserve}, {kReserve}}, CheckMode::kEveryStep},
      "three pushes under reserve() race for one place (target 1): the length counts exactly the winner",
      StrategyKind::kDfs, false);  // reserve()'s CAS is on a counter: a value changed and back is benign there
  add("spill.chain_drain.2t", {1, 64, {{kPushChain2, kPop}, {kDrain}}, CheckMode::kEveryStep},
      "a chain push races with a drain");
  add("spill.flow.3t", {1, 2, {{kPush, kPop}, {kPush, kPush}, {kPop}}, CheckMode::kEveryStep},
      "pushes under flow control (target 2) race with pops");
  add("spill.mixed.3t", {2, 64, {{kPush, kPop}, {kPopReuse}, {kDrain}}, CheckMode::kEveryStep},
      "push/pop, pop-reuse and a drain on three threads");
  add("spill.observed.3t", {1, 64, {{kPush, kPop}, {kPop, kPush}}, CheckMode::kObserver},
      "two workers and an observer that reads length() like the free path");
  // Bounded shapes for --strategy exhaustive (ctest labels exhaustive, exhaustive_nightly).
  // reserve()'s CAS on the length counter may see benign ABA (a push and a pop in between
  // leave the same count, and a count is all it compares): counted, not fatal. The head's
  // tag is still checked by every invariant (the .noaba decoys show those catch a bad pop).
  add("spill.chain_reserve.2t", {1, 3, {{kPushChain2, kPop}, {kReserve, kPop}}, CheckMode::kEveryStep},
      "a chain push and a reserve()d push (target 3) race, each then pops",
      StrategyKind::kDfs, false);
  add("spill.exh.2x3", {1, 3, {{kPush, kPop, kPushChain2}, {kPop, kReserve, kPop}}, CheckMode::kEveryStep},
      "two threads, three operations each: push, pop, chain push, reserve (target 3)",
      StrategyKind::kDfs, false);
  add("spill.exh.3x2", {1, 3, {{kPushChain2, kPop}, {kReserve, kPop}, {kPop, kPush}}, CheckMode::kEveryStep},
      "three threads, two operations each: chain push, reserve (target 3), pops, push",
      StrategyKind::kDfs, false);
  return true;
}();

}  // namespace
}  // namespace interleave
