// Coherence shapes (single location x), incoherent outcomes forbidden at EVERY order:
//   CoRR:  T0: x=1 || T1: r0=x; r1=x        forbid r0=1, r1=0
//   CoRW1: T0: r0=x; x=1                    forbid r0=1 (reading a po-later write)
//   CoRW2: T0: r0=x; x=1 || T1: x=2         forbid r0=2 with final x=2
//   CoWR:  T0: x=1; r0=x || T1: x=2         forbid r0=0, and r0=2 with final x=1
//   CoWW:  T0: x=1; x=2                     forbid final x=1
// Source: the four coherence axioms of Batty et al., "Mathematizing C++ concurrency", POPL 2011
// (CoRR, CoWR, CoRW, CoWW; C++ [intro.races] write-write ... read-write coherence); in RC11 all
// of them are irreflexive(hb;eco?) (Lahav et al. PLDI 2017 section 3).
#include "litmus_orders.h"

namespace interleave::rc11 {

using namespace litmus_orders;

void add_coherence_tests(std::vector<Litmus>& v) {
  const std::string src = "Batty et al. POPL 2011 coherence axioms; Lahav et al. PLDI 2017 irreflexive(hb;eco?)";
  const std::set<std::string> corr = {"r0=0 r1=0 x=1", "r0=0 r1=1 x=1", "r0=1 r1=1 x=1"};
  auto corr_p = [](Order w, Order r) {
    return B().thread().store("x", 1, w).thread().load("x", r, "r0").load("x", r, "r1").build();
  };
  v.push_back({"CoRR_rlx", src, corr_p(rlx, rlx), corr});
  v.push_back({"CoRR_relacq", src, corr_p(rel, acq), corr});
  v.push_back({"CoRR_sc", src, corr_p(sc, sc), corr});

  v.push_back({"CoRW1_rlx", src + " (and acyclic(po u rf))",
               B().thread().load("x", rlx, "r0").store("x", 1, rlx).build(), {"r0=0 x=1"}});
  const std::set<std::string> corw2 = {"r0=0 x=1", "r0=0 x=2", "r0=2 x=1"};
  auto corw2_p = [](Order o, Order r) {
    return B().thread().load("x", r, "r0").store("x", 1, o).thread().store("x", 2, o).build();
  };
  v.push_back({"CoRW2_rlx", src, corw2_p(rlx, rlx), corw2});
  v.push_back({"CoRW2_sc", src, corw2_p(sc, sc), corw2});

  const std::set<std::string> cowr = {"r0=1 x=1", "r0=1 x=2", "r0=2 x=2"};
  auto cowr_p = [](Order o, Order r) {
    return B().thread().store("x", 1, o).load("x", r, "r0").thread().store("x", 2, o).build();
  };
  v.push_back({"CoWR_rlx", src, cowr_p(rlx, rlx), cowr});
  v.push_back({"CoWR_sc", src, cowr_p(sc, sc), cowr});

  v.push_back({"CoWW_rlx", src, B().thread().store("x", 1, rlx).store("x", 2, rlx).build(), {"x=2"}});
  v.push_back({"CoWW_sc", src, B().thread().store("x", 1, sc).store("x", 2, sc).build(), {"x=2"}});
}

}  // namespace interleave::rc11
