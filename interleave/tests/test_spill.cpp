// The real hakmem::SpillStack<CheckedAtomics>: exhaustive DFS at preemption bound 2, then
// random and PCT runs, over every spill scenario.
#include "scenario_runner.h"

namespace interleave::testing {
namespace {

class Spill : public ::testing::TestWithParam<const char*> {};

TEST_P(Spill, DfsBound2IsExhaustedWithoutFailure) {
  const Result r = run_scenario(GetParam(), StrategyKind::kDfs, 2000000, 2);
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted) << r.summary();
}

TEST_P(Spill, WeakMemoryDfsBound2FindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kDfs, kWeakDfsRuns, 2, false, true);
  EXPECT_FALSE(r.failed) << r.report();
  if (kExpectWeakExhausted) {
    EXPECT_TRUE(r.exhausted) << r.summary();
  }
}

TEST_P(Spill, WeakMemoryRandomFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kRandom, kRandomRuns, 2, false, true);
  EXPECT_FALSE(r.failed) << r.report();
}

TEST_P(Spill, RandomFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kRandom, kRandomRuns);
  EXPECT_FALSE(r.failed) << r.report();
}

TEST_P(Spill, PctFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kPct, kRandomRuns);
  EXPECT_FALSE(r.failed) << r.report();
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Spill,
                         ::testing::Values("spill.push_pop.2t", "spill.pop_reuse.2t",
                                           "spill.chain_drain.2t", "spill.flow.3t",
                                           "spill.mixed.3t", "spill.observed.3t"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace interleave::testing
