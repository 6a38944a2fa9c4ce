// Counter exactness: with every flag compiled in, each counter equals the count of the events it
// measures, as derived from the behaviour trace and the model's ledger (expected_counters.h).
// A wrong counter is an allocator bug. The comparison itself is shown to fail on a perturbed
// expectation.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "expected_counters.h"
#include "hakmem/core/stats.h"
#include "hakmem_ops/decode.h"
#include "hakmem_ops/directed.h"

namespace hakmem_ops {
namespace {

using Traced = hakmem::Allocator<hakmem::Config<hakmem::kAllFlagsMask, hakmem::StdAtomics, LogicalContext,
                                                hakmem::RecordingTrace>>;

template <class Alloc>
CounterMap actual_counters(Alloc& a) {
  CounterMap m;
  hakmem::StatsReader::visit(a.telemetry(), [&](const char* family, const char* name, int cls, std::uint64_t v) {
    m[counter_key(family, name, cls)] = v;
  });
  return m;
}

std::uint64_t seed_from_env(std::uint64_t fallback) {
  const char* s = std::getenv("HAKMEM_SEED");
  const std::uint64_t seed = s ? std::strtoull(s, nullptr, 0) : fallback;
  std::printf("seed %llu (replay: HAKMEM_SEED=%llu)\n", static_cast<unsigned long long>(seed),
              static_cast<unsigned long long>(seed));
  return seed;
}

// Runs `ops`, returns the differences between actual and expected counters.
std::vector<std::string> run_and_compare(const std::vector<Op>& ops, CounterMap* actual_out = nullptr,
                                         CounterMap* expected_out = nullptr,
                                         const hakmem::Options& options = default_options()) {
  Executor<Traced> ex(options);
  auto v = ex.run(ops);
  EXPECT_FALSE(v) << v->to_string();
  const CounterMap actual = actual_counters(ex.alloc());
  const CounterMap expected = expected_counters(ex.alloc().trace().events, ex.ledger());
  if (actual_out) *actual_out = actual;
  if (expected_out) *expected_out = expected;
  return compare_counters(actual, expected);
}

// The exactness workloads: 30 random op mixes (OS faults included) and the directed workloads
// (directed.h). Returns every difference, each naming its workload; adds each counter's values
// up in *reached.
std::vector<std::string> run_exactness_workloads(std::uint64_t seed, CounterMap* reached) {
  std::vector<std::string> all;
  auto run = [&](const std::string& name, const std::vector<Op>& ops, const hakmem::Options& o) {
    CounterMap actual;
    for (const std::string& d : run_and_compare(ops, &actual, nullptr, o)) all.push_back(name + ": " + d);
    for (const auto& [k, v] : actual) (*reached)[k] += v;
  };
  DecodeOptions opt;
  opt.faults = true;
  for (std::uint64_t i = 0; i < 30; ++i)
    run("random ops, seed " + std::to_string(seed + i), random_ops(seed + i, 1500, opt), default_options());
  for (const DirectedWorkload& w : directed_workloads()) run("directed '" + w.name + "'", w.ops, w.options);
  return all;
}

TEST(CounterExactness, EveryCounterEqualsTheModelsCount) {
  CounterMap reached;
  for (const std::string& d : run_exactness_workloads(seed_from_env(1000), &reached)) ADD_FAILURE() << d;
}

// Counters whose only site is the line before a fatal error (a bad free aborts): no exactness
// workload can reach them. bad_free_counters_test.cpp reaches each in a death test instead.
const char* const kFatalPathCounters[] = {
    "POOL_HOTBOX_V2_STATS/page_of_fail_class", "POOL_HOTBOX_V2_STATS/page_of_fail_foreign",
    "POOL_HOTBOX_V2_STATS/page_of_fail_not_pool", "POOL_HOTBOX_V2_STATS/page_of_fail_unaligned"};

// Per site, not per family: every counter (each class of a per-class one) is driven above zero
// by the exactness workloads, so each one's exactness is actually checked. Names every counter
// that stays at zero.
TEST(CounterExactness, EveryCounterSiteIsReached) {
  CounterMap reached;
  run_exactness_workloads(seed_from_env(1000), &reached);
  ASSERT_FALSE(reached.empty());
  for (const char* k : kFatalPathCounters) {
    ASSERT_TRUE(reached.count(k)) << "no counter named " << k;
    reached.erase(k);
  }
  for (const auto& [k, v] : reached) EXPECT_NE(v, 0u) << "counter " << k << " stays at zero in every exactness workload";
}

// A broken variant that skips the free_overflow increment (hakmem::SkipOverflowCountQuirk):
// random op mixes never overflow a front cache, so on them alone it looks exact; the directed
// workloads catch it and name the counter.
TEST(CounterExactness, ASkippedIncrementOnARarePathIsCaughtOnlyByTheDirectedWorkloads) {
  using Broken = hakmem::Allocator<hakmem::Config<hakmem::kAllFlagsMask, hakmem::StdAtomics, LogicalContext,
                                                  hakmem::RecordingTrace, hakmem::SkipOverflowCountQuirk>>;
  auto diffs_of = [](const std::vector<Op>& ops, const hakmem::Options& o) {
    Executor<Broken> ex(o);
    EXPECT_FALSE(ex.run(ops));
    CounterMap actual = actual_counters(ex.alloc());
    return compare_counters(actual, expected_counters(ex.alloc().trace().events, ex.ledger()));
  };
  DecodeOptions opt;
  for (std::uint64_t i = 0; i < 5; ++i)
    EXPECT_TRUE(diffs_of(random_ops(1000 + i, 1500, opt), default_options()).empty()) << "random mixes reach it now";
  std::vector<std::string> caught;
  for (const DirectedWorkload& w : directed_workloads())
    for (const std::string& d : diffs_of(w.ops, w.options)) caught.push_back(w.name + ": " + d);
  ASSERT_FALSE(caught.empty()) << "the directed workloads missed the skipped increment";
  std::printf("caught: %s\n", caught[0].c_str());
  for (const std::string& d : caught) EXPECT_NE(d.find("free_overflow"), std::string::npos) << d;
}

// The comparison has teeth: one perturbed expectation is reported, naming the counter.
TEST(CounterExactness, PerturbedExpectationIsReported) {
  DecodeOptions opt;
  opt.faults = false;
  CounterMap actual, expected;
  EXPECT_TRUE(run_and_compare(random_ops(7, 1500, opt), &actual, &expected).empty());
  expected["C7_FREE_COUNT/frees"] += 1;
  const auto diffs = compare_counters(actual, expected);
  ASSERT_EQ(diffs.size(), 1u);
  std::printf("caught: %s\n", diffs[0].c_str());
  EXPECT_NE(diffs[0].find("C7_FREE_COUNT/frees"), std::string::npos);
}

}  // namespace
}  // namespace hakmem_ops
