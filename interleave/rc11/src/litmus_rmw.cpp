// RMW atomicity and CAS (single-order compare_exchange: a failed CAS reads with the failure
// order, acq_rel -> acquire, release -> relaxed, C++ [atomics.types.operations]).
// Atomicity: an RMW reads the mo-immediate predecessor of its write (RC11: rmw ∩ (fr;mo) = ∅,
// Lahav et al. PLDI 2017 section 3; C++ [atomics.order]/10), so two increments never both
// read 0 and exactly one of two CAS(0 -> v) succeeds.
#include "litmus_orders.h"

namespace interleave::rc11 {

using namespace litmus_orders;

void add_rmw_tests(std::vector<Litmus>& v) {
  const std::string src = "Lahav et al. PLDI 2017 section 3 (atomicity); C++ [atomics.order]";
  v.push_back({"FAA_atomic_rlx", src + ": two relaxed fetch_add(1) never both read 0",
               B().thread().fetch_add("x", 1, rlx, "r0").thread().fetch_add("x", 1, rlx, "r1").build(),
               {"r0=0 r1=1 x=2", "r0=1 r1=0 x=2"}});
  v.push_back({"XCHG_atomic_rlx", src + ": two exchanges read 0 and the other's value",
               B().thread().exchange("x", 1, rlx, "r0").thread().exchange("x", 2, rlx, "r1").build(),
               {"r0=0 r1=1 x=2", "r0=2 r1=0 x=1"}});
  v.push_back({"CAS_one_wins_rlx", src + ": exactly one CAS(0 -> v) succeeds; the loser reads the winner's value",
               B().thread().cas("x", 0, 1, rlx, "r0").thread().cas("x", 0, 2, rlx, "r1").build(),
               {"r0=0 r1=1 x=1", "r0=2 r1=0 x=2"}});
  // MP with the reader's load replaced by CAS(y, 1 -> 2): a successful acquire CAS that read
  // the release store synchronises (r1=1); a failed one read 0 and learns nothing.
  v.push_back({"MP_cas_acq", "Batty et al. POPL 2011 (MP); C++ [atomics.types.operations] (CAS orders)",
               B().thread().store("x", 1, rlx).store("y", 1, rel)
                   .thread().cas("y", 1, 2, acq, "r0").load("x", rlx, "r1").build(),
               {"r0=0 r1=0 x=1 y=1", "r0=0 r1=1 x=1 y=1", "r0=1 r1=1 x=1 y=2"}});
  v.push_back({"MP_cas_rlx", "Batty et al. POPL 2011 (MP): a relaxed CAS does not synchronise",
               B().thread().store("x", 1, rlx).store("y", 1, rel)
                   .thread().cas("y", 1, 2, rlx, "r0").load("x", rlx, "r1").build(),
               {"r0=0 r1=0 x=1 y=1", "r0=0 r1=1 x=1 y=1", "r0=1 r1=0 x=1 y=2", "r0=1 r1=1 x=1 y=2"}});
}

}  // namespace interleave::rc11
