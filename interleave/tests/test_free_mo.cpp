// Options::free_mo on minimal programs: the exhaustive strategy's outcome sets must be exactly
// the ones RC11 allows (the litmus expectations of interleave-rc11, see rc11/src/litmus_*.cpp),
// shapes that need a modification order no interleaving has included, and the quirk
// interleaving_mo (mo = execution order) must lose exactly those.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "interleave/checked_atomics.h"
#include "interleave/strategy.h"
#include "lambda_test.h"

namespace interleave::testing {
namespace {

using A = CheckedAtomics;
using Outcome = std::vector<long>;
using Outcomes = std::set<Outcome>;
constexpr auto rlx = std::memory_order_relaxed;

// Runs `t` exhaustively; `record` is called at the end of every execution.
Outcomes explore_outcomes(LambdaTest& t, Outcomes& seen, std::uint32_t quirks = 0) {
  seen.clear();
  const Result r = explore(t, exhaustive(quirks));
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted) << r.exhaustive_line();
  return seen;
}

// 2+2W: x=1; y=2 || y=1; x=2, relaxed. Final (x, y).
struct TwoPlusTwoW {
  A::Atomic<int> x{0}, y{0};
  Outcomes seen;
  LambdaTest t;
  TwoPlusTwoW() {
    t.test_name = "self.free_mo_2p2w";
    t.on_setup = [this] { x.store(0), y.store(0); };
    t.body = [this](int id) {
      auto& first = id == 0 ? x : y;
      auto& second = id == 0 ? y : x;
      first.store(1, rlx);
      second.store(2, rlx);
    };
    t.on_finish = [this] { seen.insert({x.peek(), y.peek()}); };
  }
};

TEST(FreeMo, TwoPlusTwoWReachesEveryOutcomeRc11Allows) {
  TwoPlusTwoW p;
  EXPECT_EQ(explore_outcomes(p.t, p.seen), (Outcomes{{1, 1}, {1, 2}, {2, 1}, {2, 2}}));
  // mo = execution order: x=1, y=1 needs each thread's first store above the other's second.
  EXPECT_EQ(explore_outcomes(p.t, p.seen, kQuirkInterleavingMo), (Outcomes{{1, 2}, {2, 1}, {2, 2}}));
}

// S: x=2; y=1 (flag order) || r = y (acquire); x=1. Outcomes (r, final x). RC11 forbids
// (1, 2) when the flag synchronises (x=2 happens-before x=1); with a relaxed flag it allows it.
struct S {
  A::Atomic<int> x{0}, y{0};
  int r = -1;
  Outcomes seen;
  LambdaTest t;
  explicit S(std::memory_order flag) {
    t.test_name = "self.free_mo_s";
    t.on_setup = [this] { x.store(0), y.store(0), r = -1; };
    t.body = [this, flag](int id) {
      if (id == 0) {
        x.store(2, rlx);
        y.store(1, flag);
      } else {
        r = y.load(std::memory_order_acquire);
        x.store(1, rlx);
      }
    };
    t.on_finish = [this] { seen.insert({r, x.peek()}); };
  }
};

TEST(FreeMo, SWithReleaseKeepsCoherenceAndRelaxedLosesIt) {
  S rel(std::memory_order_release);
  EXPECT_EQ(explore_outcomes(rel.t, rel.seen), (Outcomes{{0, 1}, {0, 2}, {1, 1}}));
  S relaxed(rlx);
  EXPECT_EQ(explore_outcomes(relaxed.t, relaxed.seen), (Outcomes{{0, 1}, {0, 2}, {1, 1}, {1, 2}}));
  EXPECT_EQ(explore_outcomes(relaxed.t, relaxed.seen, kQuirkInterleavingMo), (Outcomes{{0, 1}, {0, 2}, {1, 1}}));
}

// x=1; y=1 || a = y; b = op(x), relaxed. Outcomes (a, b, final x). With a == 1, x=1 ran
// before op in every interleaving, so an outcome where op reads 0 needs op below x=1 in mo
// (an RMW) or a failed CAS reading a stale value.
struct StoreThenFlag {
  A::Atomic<int> x{0}, y{0};
  int a = -1, b = -1;
  Outcomes seen;
  LambdaTest t;
  explicit StoreThenFlag(int (*op)(A::Atomic<int>&)) {
    t.test_name = "self.free_mo_store_then_flag";
    t.on_setup = [this] { x.store(0), y.store(0), a = b = -1; };
    t.body = [this, op](int id) {
      if (id == 0) {
        x.store(1, rlx);
        y.store(1, rlx);
      } else {
        a = y.load(rlx);
        b = op(x);
      }
    };
    t.on_finish = [this] { seen.insert({a, b, x.peek()}); };
  }
};

// b = x.fetch_add(1): (1, 0, 1) has the fetch_add read the initial value and sit below x=1.
// b == 0 with x ending 2 is not RC11: an RMW reading the initial value sits right above it,
// so x=1 lands above the RMW.
TEST(FreeMo, AnRmwMayGoBelowAStoreThatRanBeforeIt) {
  StoreThenFlag p([](A::Atomic<int>& x) { return x.fetch_add(1, rlx); });
  const Outcomes all = explore_outcomes(p.t, p.seen);
  EXPECT_EQ(all, (Outcomes{{0, 0, 1}, {0, 1, 2}, {1, 0, 1}, {1, 1, 2}}));
  EXPECT_EQ(explore_outcomes(p.t, p.seen, kQuirkInterleavingMo).count({1, 0, 1}), 0u);
}

// b = CAS(x, 1 -> 2) succeeded: with a == 1 the CAS can still read 0 and fail (relaxed:
// nothing made x=1 visible).
TEST(FreeMo, AFailedCasMayReadAStaleValue) {
  StoreThenFlag p([](A::Atomic<int>& x) {
    int expected = 1;
    return x.compare_exchange_strong(expected, 2, rlx, rlx) ? 1 : 0;
  });
  EXPECT_EQ(explore_outcomes(p.t, p.seen), (Outcomes{{0, 0, 1}, {0, 1, 2}, {1, 0, 1}, {1, 1, 2}}));
  EXPECT_EQ(explore_outcomes(p.t, p.seen, kQuirkInterleavingMo).count({1, 0, 1}), 0u);
}

// Read-read coherence through happens-before: T1 reads x (a), then releases a flag; T2
// acquires it and reads x (b). RC11: a == 1 and the flag seen => b == 1 (T1's read of x=1
// happens-before T2's, so T2 may not read below it). Outcomes (a, flag, b).
struct CoRrThroughHb {
  A::Atomic<int> x{0}, flag{0};
  int a = -1, f = -1, b = -1;
  Outcomes seen;
  LambdaTest t;
  CoRrThroughHb() {
    t.test_name = "self.free_mo_corr_hb";
    t.n = 3;
    t.on_setup = [this] { x.store(0), flag.store(0), a = f = b = -1; };
    t.body = [this](int id) {
      if (id == 0) {
        x.store(1, rlx);
      } else if (id == 1) {
        a = x.load(rlx);
        flag.store(1, std::memory_order_release);
      } else {
        f = flag.load(std::memory_order_acquire);
        b = x.load(rlx);
      }
    };
    t.on_finish = [this] { seen.insert({a, f, b}); };
  }
};

TEST(FreeMo, ReadsThatHappenBeforeBoundLaterReads) {
  CoRrThroughHb p;
  const Outcomes all = explore_outcomes(p.t, p.seen);
  EXPECT_EQ(all.count({1, 1, 0}), 0u) << "read x=0 after a read of x=1 that happens-before it";
  EXPECT_EQ(all, (Outcomes{{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 1}}));
  // The check's teeth: a floor that counts only the thread's own reads (the engine before
  // read records) lets T2 read below what T1 read.
  EXPECT_EQ(explore_outcomes(p.t, p.seen, kQuirkFloorOwnReadsOnly).count({1, 1, 0}), 1u);
}

// Atomicity: b = x.fetch_add(1) || x.store(5). Outcomes (b, final x). RC11: (0, 5), (5, 6),
// and (0, 1) only if the store could go between the fetch_add and the initial value it read.
struct RmwAtomicity {
  A::Atomic<int> x{0};
  int b = -1;
  Outcomes seen;
  LambdaTest t;
  RmwAtomicity() {
    t.test_name = "self.free_mo_rmw_atomicity";
    t.on_setup = [this] { x.store(0), b = -1; };
    t.body = [this](int id) {
      if (id == 0)
        b = x.fetch_add(1, rlx);
      else
        x.store(5, rlx);
    };
    t.on_finish = [this] { seen.insert({b, x.peek()}); };
  }
};

TEST(FreeMo, NothingGoesBetweenAnRmwAndTheStoreItRead) {
  RmwAtomicity p;
  EXPECT_EQ(explore_outcomes(p.t, p.seen), (Outcomes{{0, 5}, {5, 6}}));
  EXPECT_EQ(explore_outcomes(p.t, p.seen, kQuirkSplitRmw), (Outcomes{{0, 1}, {0, 5}, {5, 6}}));
}

// Deepening is a search order: the same executions, each counted once, and a failure that
// needs one write off the top is found in round 1.
TEST(FreeMo, DeepeningCountsTheSameExecutionsRoundByRound) {
  Options deepening = exhaustive();
  deepening.mo_deepening = true;
  TwoPlusTwoW plain, deep;
  const Result p = explore(plain.t, exhaustive());
  const Result d = explore(deep.t, deepening);
  ASSERT_TRUE(p.exhausted && d.exhausted);
  EXPECT_EQ(d.executions, p.executions);
  EXPECT_EQ(deep.seen, plain.seen);
  EXPECT_GT(d.runs, p.runs);  // earlier rounds run again, uncounted
  EXPECT_NE(d.stats.find("mo rounds"), std::string::npos) << d.stats;
  S relaxed(rlx), relaxed_deep(rlx);
  const Result ps = explore(relaxed.t, exhaustive());
  const Result ds = explore(relaxed_deep.t, deepening);
  EXPECT_EQ(ds.executions, ps.executions);
  EXPECT_EQ(relaxed_deep.seen, relaxed.seen);
}

TEST(FreeMo, DeepeningFindsAOneWriteBugInRoundOne) {
  TwoPlusTwoW p;
  p.t.on_finish = [&p] { check(!(p.x.peek() == 1 && p.y.peek() == 1), "2+2W never ends x=1, y=1"); };
  Options o = exhaustive();
  o.mo_deepening = true;
  const Result r = explore(p.t, o);
  ASSERT_TRUE(r.failed);
  EXPECT_NE(r.stats.find("2 mo rounds"), std::string::npos) << r.stats;
}

// Schedules name at most 23 choices per decision (letters 'a'..'w'). What counts is how far
// down an allowed choice lies, not how long the history is: 25 relaxed increments by one thread
// leave another thread's increment a single slot (every other one splits an RMW from its
// source), while 25 plain stores leave it 26 slots, which a schedule cannot name.
struct LongHistory {
  A::Atomic<int> x{0};
  LambdaTest t;
  explicit LongHistory(bool rmw) {
    t.test_name = "self.free_mo_long_history";
    t.on_setup = [this] { x.store(0); };
    t.body = [this, rmw](int id) {
      for (int i = 0; i < (id == 0 ? 25 : 1); ++i) {
        if (rmw)
          x.fetch_add(1, rlx);
        else
          x.store(i + 1, rlx);
      }
    };
  }
};

TEST(FreeMo, OnlyChoicesTooFarDownForASchedulePrintAreDiverged) {
  LongHistory increments(true);
  const Result r = explore(increments.t, exhaustive());
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted);
  LongHistory stores(false);
  const Result s = explore(stores.t, exhaustive());
  ASSERT_TRUE(s.failed);
  EXPECT_EQ(s.failure.kind, FailureKind::kDiverged) << s.failure.what;
}

// A failure that needs a free mo replays from its printed schedule ("E." turns free mo on).
TEST(FreeMo, AFailureFoundThroughMoReplays) {
  TwoPlusTwoW p;
  p.t.on_finish = [&p] { check(!(p.x.peek() == 1 && p.y.peek() == 1), "2+2W never ends x=1, y=1"); };
  const Result r = explore(p.t, exhaustive());
  ASSERT_TRUE(r.failed);
  ASSERT_EQ(r.schedule.rfind("E.", 0), 0u) << r.schedule;
  EXPECT_TRUE(explore(p.t, replay_of(r.schedule)).failed) << r.schedule;
  // The same string under "e." (mo = execution order): stores make no choices there, so the
  // letters no longer fit; whatever the replay does, it never reaches x=1, y=1.
  const Result other = explore(p.t, replay_of("e." + r.schedule.substr(2)));
  EXPECT_FALSE(other.failed && other.failure.kind == FailureKind::kInvariant) << other.report();
}

}  // namespace
}  // namespace interleave::testing
