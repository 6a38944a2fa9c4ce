// MP (message passing): T0: x=1; y=1  ||  T1: r0=y; r1=x. Weak outcome r0=1, r1=0.
// Verdicts: Batty et al., POPL 2011 (release/acquire and fence synchronisation forbid it, one
// side alone does not); Lahav et al., PLDI 2017, section 3 (sw with fences);
// release sequences as C++20 defines them: P0982R1 "Weaken release sequences" (Boehm, 2018):
// an RMW continues a release sequence, a later store of the same thread no longer does.
#include "litmus_orders.h"

namespace interleave::rc11 {

using namespace litmus_orders;

namespace {

// fence_w between the two stores, fence_r between the two loads (rlx = no fence).
Program mp(Order wx, Order wy, Order ry, Order rx, Order fence_w = rlx, Order fence_r = rlx) {
  B b;
  b.thread().store("x", 1, wx);
  if (fence_w != rlx) b.fence(fence_w);
  b.store("y", 1, wy);
  b.thread().load("y", ry, "r0");
  if (fence_r != rlx) b.fence(fence_r);
  b.load("x", rx, "r1");
  return b.build();
}

}  // namespace

void add_mp_tests(std::vector<Litmus>& v) {
  // Locals, not globals: litmus_tests() may run during another file's static initialisation.
  const std::set<std::string> kAll = every({{"r0", {0, 1}}, {"r1", {0, 1}}}, "x=1 y=1");
  const std::set<std::string> kSynced = except(kAll, {"r0=1 r1=0 x=1 y=1"});
  const std::string src = "Batty et al. POPL 2011; Lahav et al. PLDI 2017 section 3 (sw)";
  v.push_back({"MP_rlx", src + ": relaxed MP allowed", mp(rlx, rlx, rlx, rlx), kAll});
  v.push_back({"MP_relacq", src + ": release store / acquire load forbid it", mp(rlx, rel, acq, rlx), kSynced});
  v.push_back({"MP_sc", src + ": all seq_cst forbids it", mp(sc, sc, sc, sc), kSynced});
  v.push_back({"MP_fences", src + ": release fence / acquire fence around relaxed accesses",
               mp(rlx, rlx, rlx, rlx, rel, acq), kSynced});
  v.push_back({"MP_rel_rlx", src + ": a release store read by a relaxed load does not synchronise",
               mp(rlx, rel, rlx, rlx), kAll});
  v.push_back({"MP_rlx_acq", src + ": an acquire load of a relaxed store does not synchronise",
               mp(rlx, rlx, acq, rlx), kAll});
  v.push_back({"MP_relfence_acq", src + ": release fence then relaxed store, acquire load",
               mp(rlx, rlx, acq, rlx, rel, rlx), kSynced});
  v.push_back({"MP_rel_acqfence", src + ": release store, relaxed load then acquire fence",
               mp(rlx, rel, rlx, rlx, rlx, acq), kSynced});

  // T0: x=1; y=1 (rel) || T1: r0=fetch_add(y,2) (rlx) || T2: r1=y (acq); r2=x.
  // Reading the RMW's 3 (it read 1) synchronises with T0 through the release sequence, so
  // r1=3 forces r2=1; reading its 2 (it read the initial 0) does not.
  v.push_back({"MP_rs_rmw", "P0982R1 / C++20 [intro.races]: an RMW continues the release sequence",
               B().thread().store("x", 1, rlx).store("y", 1, rel)
                   .thread().fetch_add("y", 2, rlx, "r0")
                   .thread().load("y", acq, "r1").load("x", rlx, "r2").build(),
               {"r0=0 r1=0 r2=0 x=1 y=1", "r0=0 r1=0 r2=1 x=1 y=1", "r0=0 r1=2 r2=0 x=1 y=1",
                "r0=0 r1=2 r2=1 x=1 y=1", "r0=0 r1=1 r2=1 x=1 y=1",
                "r0=1 r1=0 r2=0 x=1 y=3", "r0=1 r1=0 r2=1 x=1 y=3", "r0=1 r1=1 r2=1 x=1 y=3",
                "r0=1 r1=3 r2=1 x=1 y=3"}});
  // T0: x=1; y=1 (rel); y=2 (rlx) || T1: r0=y (acq); r1=x. C++20 dropped same-thread stores
  // from release sequences, so reading 2 does not synchronise: r0=2, r1=0 is allowed
  // (C++11 and the original RC11 forbid it).
  v.push_back({"MP_rs_store_cxx20", "P0982R1 / C++20 [intro.races]: a later relaxed store of the same thread ends the release sequence",
               B().thread().store("x", 1, rlx).store("y", 1, rel).store("y", 2, rlx)
                   .thread().load("y", acq, "r0").load("x", rlx, "r1").build(),
               {"r0=0 r1=0 x=1 y=2", "r0=0 r1=1 x=1 y=2", "r0=1 r1=1 x=1 y=2",
                "r0=2 r1=0 x=1 y=2", "r0=2 r1=1 x=1 y=2"}});
}

}  // namespace interleave::rc11
