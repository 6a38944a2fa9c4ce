// The exhaustive strategy on minimal programs: it reads every visible store (and happens-before
// hides the stale ones), sleep sets cut executions but keep every outcome, shards add up, a
// budget never says complete, and a found failure replays from its printed schedule.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "interleave/checked_atomics.h"
#include "interleave/strategy.h"
#include "lambda_test.h"

namespace interleave::testing {
namespace {

using A = CheckedAtomics;

// Message passing with an atomic payload: "flag seen => payload seen" fails only when the
// load of the payload reads a stale store, which a release flag forbids.
struct AtomicMp {
  A::Atomic<int> data{0}, flag{0};
  LambdaTest t;
  explicit AtomicMp(std::memory_order flag_mo) {
    t.test_name = "self.exhaustive_mp";
    t.on_setup = [this] {
      data.store(0);
      flag.store(0);
    };
    t.body = [this, flag_mo](int id) {
      if (id == 0) {
        data.store(42, std::memory_order_relaxed);
        flag.store(1, flag_mo);
      } else if (flag.load(std::memory_order_acquire) == 1) {
        check(data.load(std::memory_order_relaxed) == 42, "flag seen => payload seen", &data);
      }
    };
  }
};

TEST(Exhaustive, FindsTheStalePayloadAndReplaysIt) {
  AtomicMp mp(std::memory_order_relaxed);
  const Result r = explore(mp.t, exhaustive());
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kInvariant);
  ASSERT_EQ(r.schedule.rfind("E.", 0), 0u) << r.schedule;
  const Result again = explore(mp.t, replay_of(r.schedule));
  EXPECT_TRUE(again.failed) << r.schedule;
  EXPECT_EQ(again.failure.what, r.failure.what);
}

TEST(Exhaustive, ReleaseFlagIsCleanAndComplete) {
  AtomicMp mp(std::memory_order_release);
  const Result r = explore(mp.t, exhaustive());
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted);
  EXPECT_NE(r.exhaustive_line().find("0 failures, complete"), std::string::npos) << r.exhaustive_line();
}

TEST(Exhaustive, DroppingReadBranchesMissesIt) {
  AtomicMp mp(std::memory_order_relaxed);
  const Result r = explore(mp.t, exhaustive(kQuirkDropStaleReads));
  EXPECT_FALSE(r.failed);
  EXPECT_TRUE(r.exhausted);
}

// Store buffering, relaxed: the outcomes (a, b) reached, and how many executions.
struct Sb {
  A::Atomic<int> x{0}, y{0};
  int a = -1, b = -1;
  std::set<std::pair<int, int>> outcomes;
  LambdaTest t;
  Sb() {
    t.test_name = "self.exhaustive_sb";
    t.on_setup = [this] {
      x.store(0);
      y.store(0);
    };
    t.body = [this](int id) {
      if (id == 0) {
        x.store(1, std::memory_order_relaxed);
        a = y.load(std::memory_order_relaxed);
      } else {
        y.store(1, std::memory_order_relaxed);
        b = x.load(std::memory_order_relaxed);
      }
    };
    t.on_finish = [this] { outcomes.insert({a, b}); };
  }
};

TEST(Exhaustive, SleepSetsCutExecutionsButKeepEveryOutcome) {
  Sb reduced, plain;
  const Result r = explore(reduced.t, exhaustive());
  Options o = exhaustive();
  o.reduction = false;
  const Result p = explore(plain.t, o);
  ASSERT_TRUE(r.exhausted && p.exhausted);
  EXPECT_EQ(reduced.outcomes, plain.outcomes);
  EXPECT_EQ(reduced.outcomes.size(), 4u);  // (0,0) too: both loads may read the initial value
  EXPECT_LT(r.executions, p.executions);
}

TEST(Exhaustive, ShardsAreDisjointAndAddUp) {
  Sb whole;
  const Result w = explore(whole.t, exhaustive());
  for (int n : {2, 3}) {
    std::uint64_t sum = 0;
    int nonempty = 0;  // the split really happened
    for (int i = 0; i < n; ++i) {
      Sb part;
      Options o = exhaustive();
      o.shard_index = i;
      o.shard_count = n;
      o.shard_depth = 2;
      const Result r = explore(part.t, o);
      EXPECT_TRUE(r.exhausted);
      sum += r.executions;
      nonempty += r.executions > 0 ? 1 : 0;
    }
    EXPECT_EQ(sum, w.executions) << n << " shards";
    EXPECT_GE(nonempty, 2) << n << " shards";
  }
}

TEST(Exhaustive, ABudgetNeverSaysComplete) {
  Sb sb;
  Options o = exhaustive();
  o.max_runs = 2;
  const Result r = explore(sb.t, o);
  EXPECT_FALSE(r.exhausted);
  EXPECT_NE(r.exhaustive_line().find("STOPPED by the budget"), std::string::npos) << r.exhaustive_line();
  EXPECT_EQ(r.exhaustive_line().find("complete ("), std::string::npos) << r.exhaustive_line();
}

}  // namespace
}  // namespace interleave::testing
