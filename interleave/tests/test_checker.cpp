// The checker's own tests: each detector fires on a minimal example and stays quiet on the
// correct version; DFS enumerates exactly the expected schedules; replays reproduce failures.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "interleave/checked_atomics.h"
#include "interleave/fiber_context.h"
#include "interleave/strategy.h"
#include "lambda_test.h"

namespace interleave::testing {
namespace {

using A = CheckedAtomics;

// Message passing: data written plainly, then a flag; the reader reads the data if it sees
// the flag. Correct with release/acquire, a race with relaxed.
struct MessagePassing {
  A::Plain<int> data{0};
  A::Atomic<int> flag{0};
  LambdaTest test;
  MessagePassing(std::memory_order store_mo, std::memory_order load_mo) {
    test.test_name = "self.message_passing";
    test.on_setup = [this] {
      data.set(0);
      flag.store(0);
    };
    test.body = [this, store_mo, load_mo](int t) {
      if (t == 0) {
        data.set(42);
        flag.store(1, store_mo);
      } else if (flag.load(load_mo) == 1) {
        check(data.get() == 42, "reader sees the published value");
      }
    };
  }
};

TEST(Checker, ReleaseAcquireMessagePassingIsRaceFree) {
  MessagePassing mp(std::memory_order_release, std::memory_order_acquire);
  const Result r = explore(mp.test, dfs(10));
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted);
}

TEST(Checker, RelaxedPublishIsADataRaceEvenOnX86) {
  MessagePassing mp(std::memory_order_relaxed, std::memory_order_acquire);
  const Result r = explore(mp.test, quiet(dfs(10)));
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kDataRace) << r.report();
  EXPECT_EQ(r.failure.thread, 1);
  EXPECT_EQ(r.failure.address, static_cast<const void*>(&mp.data));
}

TEST(Checker, RelaxedConsumeSideIsADataRace) {
  MessagePassing mp(std::memory_order_release, std::memory_order_relaxed);
  const Result r = explore(mp.test, quiet(dfs(10)));
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kDataRace) << r.report();
}

TEST(Checker, RelaxedRmwContinuesTheReleaseSequence) {
  // t0 publishes with release; t1 bumps the flag relaxed; t2 acquires the bumped value and
  // still synchronises with t0 (release sequence through an RMW).
  A::Plain<int> data{0};
  A::Atomic<int> flag{0};
  LambdaTest t;
  t.test_name = "self.release_sequence";
  t.n = 3;
  t.on_setup = [&] { flag.store(0); };
  t.body = [&](int id) {
    if (id == 0) {
      data.set(1);
      flag.store(1, std::memory_order_release);
    } else if (id == 1) {
      int one = 1;
      flag.compare_exchange_strong(one, 2, std::memory_order_relaxed, std::memory_order_relaxed);
    } else if (flag.load(std::memory_order_acquire) == 2) {
      (void)data.get();
    }
  };
  const Result r = explore(t, dfs(10));
  EXPECT_FALSE(r.failed) << r.report();
}

TEST(Checker, DfsEnumeratesEachInterleavingOnce) {
  // Two threads with two atomic ops each: C(4,2) = 6 orders without a bound, 2 with bound 0.
  A::Atomic<int> x{0};
  std::string order;
  std::set<std::string> seen;
  LambdaTest t;
  t.test_name = "self.enumerate";
  t.on_setup = [&] { order.clear(); };
  t.body = [&](int id) {
    for (int i = 0; i < 2; ++i) {
      x.fetch_add(1);
      order += static_cast<char>('0' + id);
    }
  };
  t.on_finish = [&] { seen.insert(order); };
  Result r = explore(t, dfs(10));
  EXPECT_TRUE(r.exhausted);
  EXPECT_EQ(r.runs, 6u);
  EXPECT_EQ(seen.size(), 6u);
  seen.clear();
  r = explore(t, dfs(0));
  EXPECT_TRUE(r.exhausted);
  EXPECT_EQ(r.runs, 2u);
  EXPECT_EQ(seen.size(), 2u);
}

TEST(Checker, AbaIsReported) {
  A::Atomic<int> x{0};
  LambdaTest t;
  t.test_name = "self.aba";
  t.on_setup = [&] { x.store(0); };
  t.body = [&](int id) {
    if (id == 0) {
      int seen = x.load();
      x.compare_exchange_strong(seen, 5);
    } else {
      x.store(1);
      x.store(0);
    }
  };
  const Result r = explore(t, quiet(dfs(2)));
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kAba) << r.report();
  EXPECT_EQ(r.failure.thread, 0);
}

TEST(Checker, UseAfterFreeIsReported) {
  A::Plain<long> cell{0};
  LambdaTest t;
  t.test_name = "self.uaf";
  t.n = 1;
  t.body = [&](int) {
    cell.set(1);
    poison(&cell, sizeof cell);
    (void)cell.get();
  };
  const Result r = explore(t, quiet(dfs(0)));
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kUseAfterFree) << r.report();
  EXPECT_EQ(r.failure.address, static_cast<const void*>(&cell));
}

// A flag handshake through wait/notify; without the notify it is a lost wakeup.
void handshake(bool notify, Result& r) {
  A::Atomic<int> flag{0};
  LambdaTest t;
  t.test_name = notify ? "self.wait_notify" : "self.lost_wakeup";
  t.on_setup = [&] { flag.store(0); };
  t.body = [&](int id) {
    if (id == 0) {
      A::wait(flag, 0);
    } else {
      flag.store(1, std::memory_order_release);
      if (notify) A::notify_all(flag);
    }
  };
  r = explore(t, quiet(dfs(3)));
}

TEST(Checker, WaitNotifyIsDeadlockFree) {
  Result r;
  handshake(true, r);
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted);
}

TEST(Checker, LostWakeupIsReported) {
  Result r;
  handshake(false, r);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kDeadlock) << r.report();
}

TEST(Checker, SpinningOnPauseTerminatesAndLivelockIsReported) {
  A::Atomic<int> flag{0};
  LambdaTest t;
  t.test_name = "self.spin";
  t.on_setup = [&] { flag.store(0); };
  t.body = [&](int id) {
    if (id == 0)
      while (flag.load(std::memory_order_acquire) == 0) A::pause();
    else
      flag.store(1, std::memory_order_release);
  };
  Result r = explore(t, dfs(3));
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted);
  EXPECT_LT(r.runs, 50u);
  t.test_name = "self.spin_forever";
  t.body = [&](int) {
    while (flag.load(std::memory_order_acquire) == 0) A::pause();
  };
  Options o = quiet(dfs(1));
  o.max_steps = 500;
  r = explore(t, o);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kLivelock) << r.report();
}

TEST(Checker, InvariantFailureNamesThreadStepAndReplays) {
  A::Atomic<int> a{0}, b{0};
  LambdaTest t;
  t.test_name = "self.invariant";
  t.on_setup = [&] {
    a.store(0);
    b.store(0);
  };
  // a and b move together, but not atomically: some state has a != b.
  t.body = [&](int) {
    a.fetch_add(1);
    b.fetch_add(1);
  };
  t.on_invariant = [&] {
    check(a.load() - b.load() <= 1 && a.load() >= b.load(), "a - b in [0, 1]", &a);
  };
  Options o = quiet(Options{});
  o.strategy = StrategyKind::kRandom;
  o.seed = 7;
  const Result r = explore(t, o);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kInvariant);
  EXPECT_NE(r.failure.what.find("a - b in [0, 1]"), std::string::npos);
  EXPECT_EQ(r.failure.address, static_cast<const void*>(&a));
  EXPECT_GE(r.failure.thread, 0);
  EXPECT_NE(r.report().find("--schedule " + r.schedule), std::string::npos);
  // The printed schedule reproduces exactly this failure.
  Options replay = quiet(Options{});
  replay.strategy = StrategyKind::kReplay;
  replay.schedule = r.schedule;
  const Result again = explore(t, replay);
  ASSERT_TRUE(again.failed);
  EXPECT_EQ(again.failure.what, r.failure.what);
  EXPECT_EQ(again.failure.step, r.failure.step);
  EXPECT_EQ(again.failure.thread, r.failure.thread);
  EXPECT_EQ(again.schedule, r.schedule);
}

TEST(Checker, ScheduleStringsRoundTrip) {
  std::string choices;
  ASSERT_TRUE(decode_schedule("0x3.1.2x11", choices));
  EXPECT_EQ(choices, "00012222222222" "2");
  EXPECT_EQ(encode_schedule(choices), "0x3.1.2x11");
  EXPECT_FALSE(decode_schedule("0x", choices));
  EXPECT_FALSE(decode_schedule("y", choices));
  ASSERT_TRUE(decode_schedule("0.b.1x2", choices));  // 'b': a weak-tier read-from choice
  EXPECT_EQ(choices, "0b11");
}

struct Key {};

TEST(Checker, FiberContextGivesEachLogicalThreadItsSlot) {
  LambdaTest t;
  t.test_name = "self.slots";
  t.n = 3;
  int slot_values[3] = {};
  A::Atomic<int> x{0};
  t.body = [&](int id) {
    hakmem::ThreadSlot& s = FiberContext::slot<Key>();
    check(s.heap == nullptr, "slots start empty in every run");
    s.heap = &slot_values[id];
    x.fetch_add(1);  // let the others run
    check(FiberContext::slot<Key>().heap == &slot_values[id], "a fiber keeps its own slot");
  };
  const Result r = explore(t, dfs(2));
  EXPECT_FALSE(r.failed) << r.report();
  static_assert(!FiberContext::kRealThreads);
  static_assert(sizeof(A::Atomic<std::uintptr_t>) == sizeof(std::uintptr_t));
  static_assert(sizeof(A::Plain<std::uintptr_t>) == sizeof(std::uintptr_t));
}

}  // namespace
}  // namespace interleave::testing

namespace interleave::testing {
namespace {

TEST(Checker, RunOnceTakesTheCallersStrategy) {
  MessagePassing mp(std::memory_order_relaxed, std::memory_order_acquire);
  // No choices: run without preemption, thread 0 first; thread 1 then sees the flag.
  auto s = make_replay("");
  const Result r = run_once(mp.test, *s, Options{});
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kDataRace);
  EXPECT_EQ(r.runs, 1u);
}

}  // namespace
}  // namespace interleave::testing

// ---- weak-memory tier ------------------------------------------------------------------------

namespace interleave::testing {
namespace {

Options weak(Options o) {
  o.weak_memory = true;
  return o;
}

// Message passing where the payload is itself atomic (so no data race): under sequentially
// consistent interleavings "flag set => payload visible" always holds; with a relaxed flag
// the weak tier lets the reader see the flag and a stale payload.
Result atomic_message_passing(std::memory_order store_mo, bool weak_tier) {
  A::Atomic<int> data{0}, flag{0};
  LambdaTest t;
  t.test_name = "self.atomic_mp";
  t.on_setup = [&] {
    data.store(0);
    flag.store(0);
  };
  t.body = [&](int id) {
    if (id == 0) {
      data.store(42, std::memory_order_relaxed);
      flag.store(1, store_mo);
    } else if (flag.load(std::memory_order_acquire) == 1) {
      check(data.load(std::memory_order_relaxed) == 42, "flag set => payload visible", &data);
    }
  };
  Options o = quiet(dfs(3));
  o.weak_memory = weak_tier;
  return explore(t, o);
}

TEST(WeakMemory, ReleaseAcquireHidesTheStalePayload) {
  const Result r = atomic_message_passing(std::memory_order_release, true);
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted);
}

TEST(WeakMemory, RelaxedFlagShowsTheStalePayloadOnlyInTheWeakTier) {
  EXPECT_FALSE(atomic_message_passing(std::memory_order_relaxed, false).failed);
  const Result r = atomic_message_passing(std::memory_order_relaxed, true);
  ASSERT_TRUE(r.failed);
  EXPECT_EQ(r.failure.kind, FailureKind::kInvariant);
  // The read-from choice is part of the schedule and replays.
  EXPECT_NE(r.schedule.find_first_of("bcd"), std::string::npos) << r.schedule;
}

// Store buffering: x = 1; a = y || y = 1; b = x. a == b == 0 is allowed with release/acquire,
// forbidden with seq_cst (which the tier models as reading the latest store).
bool store_buffering_outcome_found(std::memory_order mo) {
  A::Atomic<int> x{0}, y{0};
  int a = -1, b = -1;
  bool found = false;
  LambdaTest t;
  t.test_name = "self.store_buffering";
  t.on_setup = [&] {
    x.store(0);
    y.store(0);
  };
  t.body = [&](int id) {
    const std::memory_order ld = mo == std::memory_order_seq_cst ? mo : std::memory_order_acquire;
    const std::memory_order st = mo == std::memory_order_seq_cst ? mo : std::memory_order_release;
    if (id == 0) {
      x.store(1, st);
      a = y.load(ld);
    } else {
      y.store(1, st);
      b = x.load(ld);
    }
  };
  t.on_finish = [&] { found = found || (a == 0 && b == 0); };
  explore(t, weak(dfs(3)));
  return found;
}

TEST(WeakMemory, StoreBufferingIsAllowedForAcquireReleaseOnly) {
  EXPECT_TRUE(store_buffering_outcome_found(std::memory_order_acq_rel));
  EXPECT_FALSE(store_buffering_outcome_found(std::memory_order_seq_cst));
}

TEST(WeakMemory, CoherenceForbidsReadingBackwards) {
  // One writer stores 1 then 2; a reader's two loads never see 2 then 1.
  A::Atomic<int> x{0};
  LambdaTest t;
  t.test_name = "self.coherence";
  t.on_setup = [&] { x.store(0); };
  t.body = [&](int id) {
    if (id == 0) {
      x.store(1, std::memory_order_relaxed);
      x.store(2, std::memory_order_relaxed);
    } else {
      const int first = x.load(std::memory_order_relaxed);
      const int second = x.load(std::memory_order_relaxed);
      check(second >= first, "read-read coherence", &x);
    }
  };
  const Result r = explore(t, weak(dfs(3)));
  EXPECT_FALSE(r.failed) << r.report();
  EXPECT_TRUE(r.exhausted);
}

}  // namespace
}  // namespace interleave::testing
