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
                                         CounterMap* expected_out = nullptr) {
  Executor<Traced> ex;
  auto v = ex.run(ops);
  EXPECT_FALSE(v) << v->to_string();
  const CounterMap actual = actual_counters(ex.alloc());
  const CounterMap expected = expected_counters(ex.alloc().trace().events, ex.ledger());
  if (actual_out) *actual_out = actual;
  if (expected_out) *expected_out = expected;
  return compare_counters(actual, expected);
}

TEST(CounterExactness, EveryCounterEqualsTheModelsCount) {
  const std::uint64_t seed = seed_from_env(1000);
  DecodeOptions opt;
  opt.faults = false;  // an injected OS failure makes pool v2 refills fail: not modelled here
  std::uint64_t nonzero_runs = 0;
  for (std::uint64_t i = 0; i < 30; ++i) {
    CounterMap actual;
    const auto diffs = run_and_compare(random_ops(seed + i, 1500, opt), &actual);
    for (const std::string& d : diffs) ADD_FAILURE() << "seed " << seed + i << ": " << d;
    if (!diffs.empty()) break;
    for (const auto& [k, v] : actual) nonzero_runs += v != 0;
  }
  EXPECT_GT(nonzero_runs, 0u);
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
