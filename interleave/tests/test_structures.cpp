// The real hakmem::SpillStack<CheckedAtomics> and hakmem::RemoteList<CheckedAtomics>:
// exhaustive DFS at preemption bound 2 (sequentially consistent and weak memory), then random
// and PCT runs, over every spill scenario and every remote-free scenario (producers racing with
// the owner's take_all).
#include "scenario_runner.h"

namespace interleave::testing {
namespace {

class Structure : public ::testing::TestWithParam<const char*> {};

TEST_P(Structure, DfsBound2IsExhaustedWithoutFailure) {
  const Result r = run_scenario(GetParam(), StrategyKind::kDfs, 2000000, 2);
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted) << r.summary();
}

TEST_P(Structure, WeakMemoryDfsBound2FindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kDfs, kWeakDfsRuns, 2, false, true);
  EXPECT_FALSE(r.failed) << r.report();
  if (kExpectWeakExhausted) {
    EXPECT_TRUE(r.exhausted) << r.summary();
  }
}

TEST_P(Structure, WeakMemoryRandomFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kRandom, kRandomRuns, 2, false, true);
  EXPECT_FALSE(r.failed) << r.report();
}

TEST_P(Structure, RandomFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kRandom, kRandomRuns);
  EXPECT_FALSE(r.failed) << r.report();
}

TEST_P(Structure, PctFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kPct, kRandomRuns);
  EXPECT_FALSE(r.failed) << r.report();
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Structure,
                         ::testing::Values("spill.push_pop.2t", "spill.pop_reuse.2t", "spill.pop_reuse.aged.2t", "spill.reserve.3t",
                                           "spill.chain_drain.2t", "spill.flow.3t",
                                           "spill.mixed.3t", "spill.observed.3t",
                                           "remote.1p.2t", "remote.2p.3t", "remote.3p.4t",
                                           "remote.inbox.1p.2t", "remote.inbox.2p.3t", "remote.inbox1.2p.3t", "remote.inbox8.2p.3t"),
                         [](const auto& info) { return test_name(info.param); });

}  // namespace
}  // namespace interleave::testing
