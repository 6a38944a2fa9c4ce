// The real hakmem::RemoteList<CheckedAtomics>: exhaustive DFS at preemption bound 2, then
// random and PCT runs, over every remote-free scenario: producers race with the owner's take_all.
#include "scenario_runner.h"

namespace interleave::testing {
namespace {

class Remote : public ::testing::TestWithParam<const char*> {};

TEST_P(Remote, DfsBound2IsExhaustedWithoutFailure) {
  const Result r = run_scenario(GetParam(), StrategyKind::kDfs, 2000000, 2);
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted) << r.summary();
}

TEST_P(Remote, WeakMemoryDfsBound2FindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kDfs, kWeakDfsRuns, 2, false, true);
  EXPECT_FALSE(r.failed) << r.report();
  if (kExpectWeakExhausted) {
    EXPECT_TRUE(r.exhausted) << r.summary();
  }
}

TEST_P(Remote, WeakMemoryRandomFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kRandom, kRandomRuns, 2, false, true);
  EXPECT_FALSE(r.failed) << r.report();
}

TEST_P(Remote, RandomFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kRandom, kRandomRuns);
  EXPECT_FALSE(r.failed) << r.report();
}

TEST_P(Remote, PctFindsNothing) {
  const Result r = run_scenario(GetParam(), StrategyKind::kPct, kRandomRuns);
  EXPECT_FALSE(r.failed) << r.report();
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Remote,
                         ::testing::Values("remote.1p.2t", "remote.2p.3t", "remote.3p.4t"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace interleave::testing
