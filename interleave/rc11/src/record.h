// Shared by both strategies: what to remember about one consistent complete graph.
#pragma once

#include <string>
#include <unordered_set>

#include "rc11/explore.h"

namespace interleave::rc11 {

class Recorder {
 public:
  Recorder(const Options& o, Result& r) : o_(o), r_(r) {}
  void record(const Graph& g) {
    ++r_.executions;
    ++r_.outcomes[g.outcome()];
    if (!o_.collect_graphs && !o_.check_duplicates) return;
    std::string code = g.encode();
    if (o_.check_duplicates && !seen_.insert(code).second) ++r_.duplicates;
    if (o_.collect_graphs) r_.graphs.insert(std::move(code));
  }
  // Counts a consistency check; false once the budget is spent (the result is then incomplete).
  bool may_check() {
    if (o_.budget && r_.checks >= o_.budget) {
      r_.complete = false;
      return false;
    }
    ++r_.checks;
    return true;
  }

 private:
  const Options& o_;
  Result& r_;
  std::unordered_set<std::string> seen_;
};

// The value an added read `e` reads from its rf source fixes what it writes (a CAS writes only
// when it read the expected value). Returns false when the source does not write.
inline bool apply_read(Graph& g, int e) {
  const int w = g.rf[e];
  if (!g.writes[w]) return false;
  const Op& op = g.table->events[e].op;
  g.rval[e] = g.wval[w];
  switch (op.kind) {
    case OpKind::fetch_add: g.writes[e] = 1; g.wval[e] = g.rval[e] + op.value; break;
    case OpKind::exchange: g.writes[e] = 1; g.wval[e] = op.value; break;
    case OpKind::cas: g.writes[e] = g.rval[e] == op.expected; g.wval[e] = op.value; break;
    default: g.writes[e] = 0; break;
  }
  return true;
}

}  // namespace interleave::rc11
