// WRC (write-to-read causality): T0: x=1 || T1: r0=x; y=1 || T2: r1=y; r2=x. Weak 1,1,0.
// ISA2: T0: x=1; y=1 || T1: r0=y; z=1 || T2: r1=z; r2=x. Weak 1,1,0.
// Both are forbidden once the middle links synchronise (release/acquire): hb is transitive, and
// for WRC a read of x=1 that happens before a read of the initial x is incoherent (CoRR over
// hb, Batty et al. POPL 2011 "coherence"); relaxed allows both (Alglave et al. TOPLAS 2014 names
// the shapes; Lahav et al. PLDI 2017 section 3 gives RC11's hb and coherence).
#include "litmus_orders.h"

namespace interleave::rc11 {

using namespace litmus_orders;

void add_wrc_isa2_tests(std::vector<Litmus>& v) {
  const std::set<std::string> wrc_all = every({{"r0", {0, 1}}, {"r1", {0, 1}}, {"r2", {0, 1}}}, "x=1 y=1");
  const std::set<std::string> wrc_ok = except(wrc_all, {"r0=1 r1=1 r2=0 x=1 y=1"});
  auto wrc = [](Order wx, Order rx1, Order wy, Order ry, Order rx2) {
    return B().thread().store("x", 1, wx)
        .thread().load("x", rx1, "r0").store("y", 1, wy)
        .thread().load("y", ry, "r1").load("x", rx2, "r2").build();
  };
  const std::string src = "Batty et al. POPL 2011; Lahav et al. PLDI 2017 section 3";
  v.push_back({"WRC_rlx", src + ": relaxed WRC allowed", wrc(rlx, rlx, rlx, rlx, rlx), wrc_all});
  v.push_back({"WRC_relacq", src + ": release y / acquire y: hb;eco cycle (coherence) forbids it",
               wrc(rlx, rlx, rel, acq, rlx), wrc_ok});
  v.push_back({"WRC_sc", src + ": all seq_cst forbids it", wrc(sc, sc, sc, sc, sc), wrc_ok});

  const std::set<std::string> isa_all = every({{"r0", {0, 1}}, {"r1", {0, 1}}, {"r2", {0, 1}}}, "x=1 y=1 z=1");
  const std::set<std::string> isa_ok = except(isa_all, {"r0=1 r1=1 r2=0 x=1 y=1 z=1"});
  auto isa2 = [](Order wy, Order ry, Order wz, Order rz, Order other) {
    return B().thread().store("x", 1, other).store("y", 1, wy)
        .thread().load("y", ry, "r0").store("z", 1, wz)
        .thread().load("z", rz, "r1").load("x", other, "r2").build();
  };
  v.push_back({"ISA2_rlx", src + ": relaxed ISA2 allowed", isa2(rlx, rlx, rlx, rlx, rlx), isa_all});
  v.push_back({"ISA2_relacq", src + ": hb is transitive through two release/acquire pairs",
               isa2(rel, acq, rel, acq, rlx), isa_ok});
  v.push_back({"ISA2_sc", src + ": all seq_cst forbids it", isa2(sc, sc, sc, sc, sc), isa_ok});
}

}  // namespace interleave::rc11
