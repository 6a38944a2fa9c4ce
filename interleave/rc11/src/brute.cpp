// brute: every rf choice for every read x every mo permutation per location, filtered by the
// axioms. Deliberately naive: it is the reference the dpor strategy is checked against.
#include <algorithm>

#include "rc11/explore.h"
#include "record.h"

namespace interleave::rc11 {

namespace {

// Fills in the values once every rf is chosen. RMW values chain through rf; a cycle of RMWs
// reading each other has no values (and is incoherent anyway): false, like a read from a CAS
// that failed.
bool resolve_values(Graph& g) {
  const int n = g.table->size();
  std::vector<std::uint8_t> done(n, 0);
  for (int e = 0; e < n; ++e) {
    const Op& op = g.table->events[e].op;
    if (op.kind == OpKind::store) g.writes[e] = 1, g.wval[e] = op.value, done[e] = 1;
    if (op.kind == OpKind::fence) done[e] = 1;
  }
  for (bool progress = true; progress;) {
    progress = false;
    for (int e = 0; e < n; ++e) {
      if (done[e] || !done[g.rf[e]]) continue;
      if (!apply_read(g, e)) return false;
      done[e] = progress = 1;
    }
  }
  return std::all_of(done.begin(), done.end(), [](std::uint8_t d) { return d; });
}

// Steps every location's permutation like an odometer; false after the last combination.
bool next_mo(std::vector<std::vector<int>>& perms) {
  for (auto& p : perms)
    if (std::next_permutation(p.begin(), p.end())) return true;
  return false;
}

}  // namespace

Result explore_brute(const Program& p, const Options& o) {
  const EventTable t(p);
  Result r;
  r.strategy = Strategy::brute;
  Recorder rec(o, r);
  std::vector<int> reads;
  std::vector<std::vector<int>> choices;
  for (int e = 0; e < t.size(); ++e) {
    if (t.events[e].init() || !t.events[e].op.reads()) continue;
    reads.push_back(e);
    choices.emplace_back();
    for (int w : t.writers[t.events[e].op.loc])
      if (w != e) choices.back().push_back(w);
  }
  std::vector<std::size_t> pick(reads.size(), 0);
  for (;;) {
    Graph g(t);
    std::fill(g.added.begin(), g.added.end(), 1);
    for (std::size_t i = 0; i < reads.size(); ++i) g.rf[reads[i]] = choices[i][pick[i]];
    if (resolve_values(g)) {
      std::vector<std::vector<int>> perms(g.mo.size());
      for (int e = 0; e < t.size(); ++e)
        if (!t.events[e].init() && g.writes[e]) perms[t.events[e].op.loc].push_back(e);
      do {
        for (std::size_t l = 0; l < perms.size(); ++l) {
          g.mo[l].resize(1);  // the initial write stays first
          g.mo[l].insert(g.mo[l].end(), perms[l].begin(), perms[l].end());
        }
        if (!rec.may_check()) return r;
        if (check(g, o.model) == Verdict::consistent) rec.record(g);
      } while (next_mo(perms));
    }
    std::size_t i = 0;  // next rf combination
    while (i < pick.size() && ++pick[i] == choices[i].size()) pick[i++] = 0;
    if (i == pick.size()) break;
  }
  return r;
}

}  // namespace interleave::rc11
