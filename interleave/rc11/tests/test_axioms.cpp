// Each forbidden litmus graph, built by hand, is rejected by the axiom the paper says forbids
// it (so a decoy that drops that axiom fails for the intended reason).
#include <gtest/gtest.h>

#include "rc11/consistency.h"

namespace interleave::rc11 {
namespace {

constexpr Order rlx = Order::relaxed, sc = Order::seq_cst;

// A complete graph of `p`: reads take their source from `rf` as (thread, index), thread -1
// meaning the initial write of the read's location; plain loads and stores only, except RMWs
// listed in `rmw` (they read their source and write value+1).
struct Built {
  Program p;
  EventTable t;
  Graph g;
  explicit Built(Program prog) : p(std::move(prog)), t(p), g(t) {
    std::fill(g.added.begin(), g.added.end(), 1);
    for (int e = 0; e < t.size(); ++e)
      if (!t.events[e].init() && t.events[e].op.kind == OpKind::store) g.writes[e] = 1, g.wval[e] = t.events[e].op.value;
  }
  int id(int thread, int index) const {
    return thread < 0 ? index : t.thread_events[thread][index];
  }
  void read(int thread, int index, int from_thread, int from_index) {
    const int e = id(thread, index);
    const int w = from_thread < 0 ? t.events[e].op.loc : id(from_thread, from_index);
    g.rf[e] = w;
    g.rval[e] = g.wval[w];
    if (t.events[e].op.kind == OpKind::fetch_add) g.writes[e] = 1, g.wval[e] = g.rval[e] + t.events[e].op.value;
  }
  void mo(int loc, std::vector<std::pair<int, int>> order) {  // after the initial write
    g.mo[loc].resize(1);
    for (auto [th, i] : order) g.mo[loc].push_back(id(th, i));
  }
};

TEST(Axioms, LoadBufferingCycleIsThinAir) {
  Built b(ProgramBuilder().thread().load("x", rlx, "r0").store("y", 1, rlx)
              .thread().load("y", rlx, "r1").store("x", 1, rlx).build());
  b.read(0, 0, 1, 1);
  b.read(1, 0, 0, 1);
  b.mo(0, {{1, 1}});
  b.mo(1, {{0, 1}});
  EXPECT_EQ(check(b.g, Model{}), Verdict::thin_air);
  Model c11;
  c11.no_thin_air = false;
  EXPECT_EQ(check(b.g, c11), Verdict::consistent);  // what C11 allows
}

TEST(Axioms, StoreBufferingWithScIsAnScCycle) {
  Built b(ProgramBuilder().thread().store("x", 1, sc).load("y", sc, "r0")
              .thread().store("y", 1, sc).load("x", sc, "r1").build());
  b.read(0, 1, -1, 0);
  b.read(1, 1, -1, 0);
  b.mo(0, {{0, 0}});
  b.mo(1, {{1, 0}});
  EXPECT_EQ(check(b.g, Model{}), Verdict::sc);
  Model weak;
  weak.sc_as_acq_rel = true;
  EXPECT_EQ(check(b.g, weak), Verdict::consistent);
}

TEST(Axioms, CoRRIsIncoherent) {
  Built b(ProgramBuilder().thread().store("x", 1, rlx)
              .thread().load("x", rlx, "r0").load("x", rlx, "r1").build());
  b.read(1, 0, 0, 0);
  b.read(1, 1, -1, 0);
  b.mo(0, {{0, 0}});
  EXPECT_EQ(check(b.g, Model{}), Verdict::coherence);
}

TEST(Axioms, TwoIncrementsReadingZeroBreakAtomicity) {
  Built b(ProgramBuilder().thread().fetch_add("x", 1, rlx, "r0").thread().fetch_add("x", 1, rlx, "r1").build());
  b.read(0, 0, -1, 0);
  b.read(1, 0, -1, 0);
  b.mo(0, {{0, 0}, {1, 0}});
  EXPECT_EQ(check(b.g, Model{}), Verdict::atomicity);
}

TEST(Axioms, SbWithScFencesIsAnScCycle) {
  Built b(ProgramBuilder().thread().store("x", 1, rlx).fence(sc).load("y", rlx, "r0")
              .thread().store("y", 1, rlx).fence(sc).load("x", rlx, "r1").build());
  b.read(0, 2, -1, 0);
  b.read(1, 2, -1, 0);
  b.mo(0, {{0, 0}});
  b.mo(1, {{1, 0}});
  EXPECT_EQ(check(b.g, Model{}), Verdict::sc);
}

}  // namespace
}  // namespace interleave::rc11
