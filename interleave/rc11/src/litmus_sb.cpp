// SB (store buffering, Dekker): T0: x=1; r0=y  ||  T1: y=1; r1=x. Weak outcome r0=r1=0.
// Shape names: Alglave, Maranget, Tautschnig, "Herding cats", TOPLAS 2014.
// Verdicts: Batty et al., "Mathematizing C++ concurrency", POPL 2011 (SB allowed unless SC);
// Lahav et al., PLDI 2017, section 3 (RC11's psc: sc accesses, and sc fences via psc_base,
// forbid it; a single sc thread or a single sc fence does not).
#include "litmus_orders.h"

namespace interleave::rc11 {

using namespace litmus_orders;

namespace {

Program sb(Order w0, Order r0, Order w1, Order r1, Order fence0 = rlx, Order fence1 = rlx) {
  B b;
  b.thread().store("x", 1, w0);
  if (fence0 != rlx) b.fence(fence0);
  b.load("y", r0, "r0");
  b.thread().store("y", 1, w1);
  if (fence1 != rlx) b.fence(fence1);
  b.load("x", r1, "r1");
  return b.build();
}

}  // namespace

void add_sb_tests(std::vector<Litmus>& v) {
  // Locals, not globals: litmus_tests() may run during another file's static initialisation.
  const std::set<std::string> kAll = every({{"r0", {0, 1}}, {"r1", {0, 1}}}, "x=1 y=1");
  const std::set<std::string> kNotBothZero = except(kAll, {"r0=0 r1=0 x=1 y=1"});
  const std::string src = "Batty et al. POPL 2011; Lahav et al. PLDI 2017 section 3 (psc)";
  v.push_back({"SB_rlx", src + ": relaxed SB allowed", sb(rlx, rlx, rlx, rlx), kAll});
  v.push_back({"SB_relacq", src + ": release/acquire do not forbid SB", sb(rel, acq, rel, acq), kAll});
  v.push_back({"SB_sc", src + ": all seq_cst forbids r0=r1=0", sb(sc, sc, sc, sc), kNotBothZero});
  v.push_back({"SB_rlx_scfences", src + ": relaxed accesses + sc fences forbid it in RC11 (psc_base)",
               sb(rlx, rlx, rlx, rlx, sc, sc), kNotBothZero});
  v.push_back({"SB_sc_rlx", src + ": one sc thread, one relaxed thread: no psc cycle",
               sb(sc, sc, rlx, rlx), kAll});
  v.push_back({"SB_rlx_one_scfence", src + ": an sc fence in one thread only does not forbid it",
               sb(rlx, rlx, rlx, rlx, sc, rlx), kAll});
  v.push_back({"SB_rlx_acqrelfences", src + ": acq_rel fences give no sw here (nothing read after them)",
               sb(rlx, rlx, rlx, rlx, acq_rel, acq_rel), kAll});
}

}  // namespace interleave::rc11
