// Shapes with write-write (mo) edges, observed through final memory:
//   2+2W: T0: x=1; y=2 || T1: y=1; x=2.   Cyclic outcome: final x=1, y=1.
//   R:    T0: x=1; y=1 || T1: y=2; r0=x.  Weak outcome: final y=2 with r0=0.
//   S:    T0: x=2; y=1 || T1: r0=y; x=1.  Weak outcome: r0=1 with final x=2.
// Shape names: Alglave et al., "Herding cats", TOPLAS 2014. Verdicts: RC11 coherence is
// per-location, so relaxed (and release-only, no reads to synchronise) 2+2W and R are allowed
// and only psc (seq_cst accesses, or sc fences via psc_F) forbids them; S is forbidden as soon
// as the y link synchronises (hb;mo cycle): Lahav et al. PLDI 2017 section 3; C11 agrees
// (Batty et al. POPL 2011).
#include "litmus_orders.h"

namespace interleave::rc11 {

using namespace litmus_orders;

namespace {

Program two_plus_two_w(Order o, Order fence = rlx) {
  B b;
  b.thread().store("x", 1, o);
  if (fence != rlx) b.fence(fence);
  b.store("y", 2, o);
  b.thread().store("y", 1, o);
  if (fence != rlx) b.fence(fence);
  b.store("x", 2, o);
  return b.build();
}

Program r_shape(Order w, Order r, Order fence = rlx) {
  B b;
  b.thread().store("x", 1, w);
  if (fence != rlx) b.fence(fence);
  b.store("y", 1, w);
  b.thread().store("y", 2, w);
  if (fence != rlx) b.fence(fence);
  b.load("x", r, "r0");
  return b.build();
}

Program s_shape(Order wy, Order ry, Order other) {
  return B().thread().store("x", 2, other).store("y", 1, wy)
      .thread().load("y", ry, "r0").store("x", 1, other).build();
}

}  // namespace

void add_write_shapes_tests(std::vector<Litmus>& v) {
  const std::string src = "Lahav et al. PLDI 2017 section 3; Batty et al. POPL 2011";
  const std::set<std::string> w_all = {"x=1 y=1", "x=1 y=2", "x=2 y=1", "x=2 y=2"};
  const std::set<std::string> w_sc = except(w_all, {"x=1 y=1"});
  v.push_back({"2p2W_rlx", src + ": relaxed 2+2W allows the mo cycle", two_plus_two_w(rlx), w_all});
  v.push_back({"2p2W_rel", src + ": release stores alone do not forbid it", two_plus_two_w(rel), w_all});
  v.push_back({"2p2W_sc", src + ": seq_cst forbids it (po and mo in psc)", two_plus_two_w(sc), w_sc});
  v.push_back({"2p2W_rlx_scfences", src + ": sc fences forbid it (psc_F)", two_plus_two_w(rlx, sc), w_sc});

  const std::set<std::string> r_all = every({{"r0", {0, 1}}}, "x=1 y=1");
  std::set<std::string> r_all2 = every({{"r0", {0, 1}}}, "x=1 y=2");
  std::set<std::string> r_any = r_all;
  r_any.insert(r_all2.begin(), r_all2.end());
  const std::set<std::string> r_sc = except(r_any, {"r0=0 x=1 y=2"});
  v.push_back({"R_rlx", src + ": relaxed R allowed", r_shape(rlx, rlx), r_any});
  v.push_back({"R_relacq", src + ": release/acquire do not forbid R", r_shape(rel, acq), r_any});
  v.push_back({"R_sc", src + ": seq_cst forbids it (po, mo, fr in psc)", r_shape(sc, sc), r_sc});
  v.push_back({"R_rlx_scfences", src + ": sc fences forbid it (psc_F)", r_shape(rlx, rlx, sc), r_sc});

  const std::set<std::string> s_any = {"r0=0 x=1 y=1", "r0=0 x=2 y=1", "r0=1 x=1 y=1", "r0=1 x=2 y=1"};
  const std::set<std::string> s_ok = except(s_any, {"r0=1 x=2 y=1"});
  v.push_back({"S_rlx", src + ": relaxed S allowed", s_shape(rlx, rlx, rlx), s_any});
  v.push_back({"S_relacq", src + ": release/acquire on y: x=2 hb x=1, so mo must agree",
               s_shape(rel, acq, rlx), s_ok});
  v.push_back({"S_sc", src + ": seq_cst forbids it", s_shape(sc, sc, sc), s_ok});
}

}  // namespace interleave::rc11
