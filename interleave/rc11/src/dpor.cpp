// dpor: grows graphs event by event. Every RC11-consistent graph has po ∪ rf acyclic, so it has
// a unique greedy linearization: at each step, add the next event of the lowest-numbered thread
// whose next event is ready (a read is ready once its rf source is present). Exploring only
// that linearization reaches each graph exactly once: when thread t is chosen, every lower
// thread u with events left is "passed over"; that is only right if u's next event was not
// ready, i.e. it is a read whose source gets added later. Non-reads are always ready (prune at
// once); a read checks its source against the last step its thread was passed over.
// Every prefix of a consistent graph is consistent (the axioms are monotone), so each partial
// graph is checked and an inconsistent one pruned with everything it would grow into.
#include <algorithm>

#include "rc11/explore.h"
#include "record.h"

namespace interleave::rc11 {

namespace {

class Dpor {
 public:
  Dpor(const EventTable& t, const Options& o, Result& r)
      : t_(t), o_(o), rec_(o, r), g_(t), next_(t.thread_events.size(), 0),
        passed_(t.thread_events.size(), -1), added_step_(t.size(), -1) {}

  void visit() {
    if (stop_) return;
    bool finished = true;
    for (std::size_t th = 0; th < next_.size(); ++th) {
      if (left(th) == 0) continue;
      finished = false;
      add_next_of(th);
      // A higher thread would pass this one over; fine only if its next event is a read.
      if (!o_.dpor.no_canonical_order && !next_op(th).reads()) break;
    }
    if (finished) rec_.record(g_);
  }

 private:
  std::size_t left(std::size_t th) const { return t_.thread_events[th].size() - next_[th]; }
  const Op& next_op(std::size_t th) const { return t_.events[t_.thread_events[th][next_[th]]].op; }

  void add_next_of(std::size_t th) {
    std::vector<int> saved = passed_;
    if (!o_.dpor.no_canonical_order)
      for (std::size_t u = 0; u < th; ++u)
        if (left(u)) passed_[u] = step_;
    const int e = t_.thread_events[th][next_[th]];
    const int passed_at = passed_[th];
    passed_[th] = -1;
    ++next_[th];
    added_step_[e] = step_++;
    g_.added[e] = 1;
    const Op& op = t_.events[e].op;
    if (op.reads()) branch_rf(e, passed_at);
    else if (op.kind == OpKind::store) branch_mo(e);
    else check_and_go_on();
    g_.added[e] = 0;
    added_step_[e] = -1;
    --step_;
    --next_[th];
    passed_ = saved;
  }

  // rf: any write to the location already present, except one that was already present when
  // this thread was passed over (then this graph belongs to another linearization).
  void branch_rf(int e, int passed_at) {
    auto& mo = g_.mo[op_loc(e)];
    const std::vector<int> sources = mo;  // mo changes below when an RMW inserts itself
    for (int w : sources) {
      if (!o_.dpor.no_canonical_order && added_step_[w] < passed_at) continue;
      if (o_.dpor.drop_init_rf && t_.events[w].init() && sources.size() > 1) continue;
      g_.rf[e] = w;
      apply_read(g_, e);
      if (g_.writes[e]) {
        // Atomicity: the RMW goes right after what it read; check() rejects it if another
        // RMW already claimed that spot.
        auto at = std::find(mo.begin(), mo.end(), w) + 1;
        mo.insert(at, e);
        check_and_go_on();
        mo.erase(std::find(mo.begin(), mo.end(), e));
      } else {
        check_and_go_on();
      }
      g_.writes[e] = 0;
      g_.rf[e] = -1;
    }
  }

  // mo: a store may go anywhere after the initial write.
  void branch_mo(int e) {
    auto& mo = g_.mo[op_loc(e)];
    g_.writes[e] = 1;
    g_.wval[e] = t_.events[e].op.value;
    for (std::size_t pos = 1; pos <= mo.size(); ++pos) {
      mo.insert(mo.begin() + static_cast<std::ptrdiff_t>(pos), e);
      check_and_go_on();
      mo.erase(mo.begin() + static_cast<std::ptrdiff_t>(pos));
    }
    g_.writes[e] = 0;
  }

  void check_and_go_on() {
    if (stop_) return;
    if (!rec_.may_check()) {
      stop_ = true;
      return;
    }
    if (check(g_, o_.model) == Verdict::consistent) visit();
  }

  int op_loc(int e) const { return t_.events[e].op.loc; }

  const EventTable& t_;
  const Options& o_;
  Recorder rec_;
  Graph g_;
  std::vector<std::size_t> next_;  // per thread: index of its next event
  std::vector<int> passed_;        // per thread: last step it was passed over (-1: not since its last event)
  std::vector<int> added_step_;    // per event; initial writes stay at -1 (present from the start)
  int step_ = 0;
  bool stop_ = false;
};

}  // namespace

Result explore_dpor(const Program& p, const Options& o) {
  const EventTable t(p);
  Result r;
  r.strategy = Strategy::dpor;
  Dpor d(t, o, r);
  d.visit();
  return r;
}

}  // namespace interleave::rc11
