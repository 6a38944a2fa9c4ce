// Exhaustive exploration of a Program's RC11-consistent execution graphs, two ways that must
// agree graph for graph:
//   brute: every rf choice x every mo permutation, filtered by check().
//   dpor:  graphs grown event by event along their canonical (po ∪ rf)-linearization,
//          branching on rf over the writes already present and on mo insertion points, pruning
//          an inconsistent prefix at once; each graph is reached exactly once.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "rc11/consistency.h"

namespace interleave::rc11 {

enum class Strategy { brute, dpor };
const char* to_string(Strategy s);

// Deliberate bugs in the dpor strategy, for decoys proving the cross-check has teeth.
struct DporQuirks {
  bool drop_init_rf = false;       // never lets a read take the initial value if another write exists
  bool no_canonical_order = false; // any interleaving order: the same graph is built many times
};

struct Options {
  Model model;
  std::uint64_t budget = 0;         // max consistency checks; 0 = unbounded
  bool collect_graphs = false;      // keep every graph's encoding (for the cross-check)
  bool check_duplicates = false;    // hash every graph found and count repeats
  DporQuirks dpor;
};

struct Result {
  Strategy strategy = Strategy::brute;
  std::uint64_t executions = 0;  // consistent complete graphs found
  std::uint64_t checks = 0;      // consistency checks made (partial graphs included for dpor)
  std::uint64_t duplicates = 0;  // graphs found more than once (only with check_duplicates)
  bool complete = true;          // false when the budget stopped the exploration
  double seconds = 0;
  std::map<std::string, std::uint64_t> outcomes;  // outcome -> executions with it
  std::set<std::string> graphs;                   // encodings (only with collect_graphs)
};

Result explore(const Program& p, Strategy s, const Options& o);
Result explore_brute(const Program& p, const Options& o);
Result explore_dpor(const Program& p, const Options& o);

// "dpor: exhaustive: 6 executions, 0 failures, complete (40 checks, 0.1 ms, 60000 exec/s)".
// failures = executions whose outcome is not in `allowed` (pass nullptr when nothing is expected).
std::string summary(const Result& r, const std::set<std::string>* allowed);

}  // namespace interleave::rc11
