// The full allocator, Allocator<Config<0, CheckedAtomics, FiberContext>>, under the checker:
// thread exit racing with remote frees, and remote frees racing with the owner's drain.
#include "scenario_runner.h"

namespace interleave::testing {
namespace {

#if defined(INTERLEAVE_SANITIZED)
constexpr std::uint64_t kAllocatorRuns = 200;
#else
constexpr std::uint64_t kAllocatorRuns = 2000;
#endif

class FullAllocator : public ::testing::TestWithParam<const char*> {};

TEST_P(FullAllocator, DfsBound2) {
  const Result r = run_scenario(GetParam(), StrategyKind::kDfs, kAllocatorRuns, 2);
  EXPECT_FALSE(r.failed) << r.report();
}

TEST_P(FullAllocator, Random) {
  const Result r = run_scenario(GetParam(), StrategyKind::kRandom, kAllocatorRuns);
  EXPECT_FALSE(r.failed) << r.report();
}

TEST_P(FullAllocator, Pct) {
  const Result r = run_scenario(GetParam(), StrategyKind::kPct, kAllocatorRuns);
  EXPECT_FALSE(r.failed) << r.report();
}

INSTANTIATE_TEST_SUITE_P(Scenarios, FullAllocator,
                         ::testing::Values("alloc.remote_vs_drain.2t", "alloc.exit_vs_remote.3t",
                                           "alloc.drainer_vs_spill.2t", "alloc.two_spillers.2t",
                                           "alloc.large_move_vs_malloc.2t", "alloc.large_arena.2t",
                                           "alloc.arena_growth.2t", "alloc.pool.2t", "alloc.pool_v2.2t", "alloc.pool_purge.2t",
                                           "alloc.pool_cache_purge.2t", "alloc.pool_release.2t",
                                           "alloc.heap_create.3t", "alloc.fork_handlers.2t"),
                         [](const auto& info) { return test_name(info.param); });

}  // namespace
}  // namespace interleave::testing
