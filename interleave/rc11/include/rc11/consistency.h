// RC11's consistency axioms (Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing sequential
// consistency in C/C++11", PLDI 2017, section 3), for all-atomic programs, with the C++20
// release sequence (P0982R1: only RMWs continue it, same-thread stores no longer do).
// The Model switches exist only for decoys: each breaks one axiom so a litmus test must fail.
#pragma once

#include "rc11/graph.h"

namespace interleave::rc11 {

struct Model {
  bool no_thin_air = true;        // acyclic(po ∪ rf); off = C11's out-of-thin-air permissiveness
  bool release_sequences = true;  // off: rs = [W], an RMW no longer carries a release onwards
  bool sc_as_acq_rel = false;     // on: seq_cst accesses and fences lose their psc constraints
};

enum class Verdict { consistent, coherence, atomicity, sc, thin_air };
const char* to_string(Verdict v);

// Works on partial graphs too (the events added so far): every relation is monotone in the
// graph, so an inconsistent prefix cannot grow into a consistent graph.
Verdict check(const Graph& g, const Model& m);

}  // namespace interleave::rc11
