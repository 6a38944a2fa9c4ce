// LB (load buffering): T0: r0=x; y=1  ||  T1: r1=y; x=1. Weak outcome r0=r1=1: ALLOWED by C11
// for relaxed accesses (Batty et al. POPL 2011) but FORBIDDEN by RC11's no-thin-air axiom,
// acyclic(po ∪ rf) (Lahav et al. PLDI 2017, section 3, "out-of-thin-air").
// IRIW: T0: x=1 || T1: y=1 || T2: r0=x; r1=y || T3: r2=y; r3=x. Weak outcome 1,0,1,0 (the
// readers disagree on the order of the writes): forbidden when all are seq_cst, allowed with
// release writes and acquire reads (Batty et al. POPL 2011); forbidden with relaxed accesses
// and sc fences between the reads under RC11 (Lahav et al. PLDI 2017, psc_F).
#include "litmus_orders.h"

namespace interleave::rc11 {

using namespace litmus_orders;

namespace {

Program lb(Order r, Order w) {
  return B().thread().load("x", r, "r0").store("y", 1, w).thread().load("y", r, "r1").store("x", 1, w).build();
}

Program iriw(Order w, Order r, Order fence = rlx) {
  B b;
  b.thread().store("x", 1, w).thread().store("y", 1, w);
  b.thread().load("x", r, "r0");
  if (fence != rlx) b.fence(fence);
  b.load("y", r, "r1");
  b.thread().load("y", r, "r2");
  if (fence != rlx) b.fence(fence);
  b.load("x", r, "r3");
  return b.build();
}

}  // namespace

void add_lb_iriw_tests(std::vector<Litmus>& v) {
  const std::set<std::string> lb_all = every({{"r0", {0, 1}}, {"r1", {0, 1}}}, "x=1 y=1");
  const std::set<std::string> lb_rc11 = except(lb_all, {"r0=1 r1=1 x=1 y=1"});
  const std::string lb_src = "Lahav et al. PLDI 2017 section 3: RC11 forbids LB by acyclic(po u rf)";
  v.push_back({"LB_rlx", lb_src + " (C11, Batty et al. POPL 2011, allows it)", lb(rlx, rlx), lb_rc11});
  v.push_back({"LB_relacq", lb_src + "; already forbidden by hb with acquire/release", lb(acq, rel), lb_rc11});
  v.push_back({"LB_sc", lb_src + "; already forbidden by SC", lb(sc, sc), lb_rc11});

  const std::set<std::string> iriw_all =
      every({{"r0", {0, 1}}, {"r1", {0, 1}}, {"r2", {0, 1}}, {"r3", {0, 1}}}, "x=1 y=1");
  const std::set<std::string> iriw_sc = except(iriw_all, {"r0=1 r1=0 r2=1 r3=0 x=1 y=1"});
  const std::string src = "Batty et al. POPL 2011; Lahav et al. PLDI 2017 section 3";
  v.push_back({"IRIW_sc", src + ": all seq_cst forbids the non-SC outcome", iriw(sc, sc), iriw_sc});
  v.push_back({"IRIW_relacq", src + ": release writes / acquire reads allow it", iriw(rel, acq), iriw_all});
  v.push_back({"IRIW_rlx", src + ": relaxed allows it", iriw(rlx, rlx), iriw_all});
  v.push_back({"IRIW_rlx_scfences", src + ": sc fences between relaxed reads forbid it (psc_F)",
               iriw(rlx, rlx, sc), iriw_sc});
}

}  // namespace interleave::rc11
