// Stateless model checking by re-execution (the idea of VeriSoft, CDSChecker and GenMC; this
// code is our own). The tree of a test has three kinds of decisions: which thread runs next
// (every enabled thread, no preemption bound), which store a load reads (every store the
// engine's full history allows under coherence and happens-before; RMWs read the latest) and
// whether an OS call fails. A run replays the stack's prefix and extends it with default
// choices; afterwards the deepest decision with an untried alternative is advanced.
//
// Reduction: sleep sets (Godefroid 1996). After the subtree where thread u ran first at a
// node is explored, u sleeps in its siblings' subtrees until a transition that conflicts with
// u's pending operation runs (same address, at least one write; a pause conflicts with every
// write, an unknown operation with everything). A node whose enabled threads all sleep only
// leads to executions already explored in another order: the run is finished with default
// choices and not counted (it is "sleep-set blocked"). Sleep sets never skip a reachable state, so invariants checked at every
// step still see every state.
//
// Deepening (ExhaustiveConfig::mo_deepening): round b offers a kMo node only its top slot once
// the run has b writes off the top, and counts only runs with exactly b; the next round starts
// when a round cut some branch. Swapping independent steps keeps each write's slot, so the
// bound commutes with sleep sets, and the rounds count every execution exactly once.
//
// Shards: the k-th node (k = shard_depth) with more than one branch on a run's path, and every
// run that ends before it has one, gets the next ordinal; shard I of N keeps ordinals = I mod N.
// Every shard walks the same top of the tree in the same order, so ordinals agree and the
// shards' subtrees are disjoint and cover it.
#include <vector>

#include "interleave/config.h"
#include "interleave/strategy.h"

namespace interleave {
namespace {

bool conflict(const PendingOp& a, const PendingOp& b) {
  if (a.kind == AccessKind::kUnknown || b.kind == AccessKind::kUnknown) return true;
  if (a.kind == AccessKind::kYield) return b.kind == AccessKind::kWrite;
  if (b.kind == AccessKind::kYield) return a.kind == AccessKind::kWrite;
  return a.addr == b.addr && (a.kind == AccessKind::kWrite || b.kind == AccessKind::kWrite);
}

class ExhaustiveStrategy final : public Strategy {
 public:
  explicit ExhaustiveStrategy(const ExhaustiveConfig& c) : c_(c) {}

  bool begin_run() override {
    if (done_) return false;
    depth_ = 0;
    branching_ = 0;
    prev_thread_ = -1;
    ordinal_taken_ = false;
    counted_ = true;
    blocked_ = false;
    skip_rest_ = false;
    off_top_ = 0;
    return true;
  }

  int pick(const Decision& d) override {
    // A blocked run, or another shard's subtree: finish it with default choices, uncounted.
    // Abandoning it mid-way would be faster, but leaves state some scenarios carry into later
    // runs (alloc.large_move_vs_malloc.2t then diverged at run 153,848; finished, it did not).
    if (skip_rest_) return __builtin_ctz(d.enabled);
    if (depth_ < stack_.size()) {  // replaying the prefix
      Node& n = stack_[depth_];
      // The same prefix must lead to the same choices, or the tree is not what was counted
      // (e.g. behaviour that depends on addresses that changed): the engine reports -1.
      const std::uint32_t now = d.kind == DecisionKind::kThread ? d.enabled & ~n.sleep : data_options(d);
      if (n.kind != d.kind || now != n.options) return -1;
      enter(n);
      ++depth_;
      return n.chosen;
    }
    Node n;
    n.kind = d.kind;
    if (d.kind == DecisionKind::kThread) {
      for (int t = 0; t < kMaxThreads; ++t) n.pending[t] = d.pending[t];
      n.sleep = inherited_sleep();
      n.options = d.enabled & ~n.sleep;
      if (!n.options) {  // every enabled thread sleeps: an explored execution in another order
        blocked_ = true;
        end_before_shard_depth();
        if (counted_) ++sleep_blocked_;
        skip_rest_ = true;
        return __builtin_ctz(d.enabled);
      }
      const bool cur_ok = d.current >= 0 && (n.options >> d.current & 1u);
      n.chosen = cur_ok ? d.current : __builtin_ctz(n.options);
    } else {
      n.options = data_options(d);
      if (n.options != d.enabled && d.kind == DecisionKind::kMo) cut_ = true;
      n.chosen = __builtin_ctz(n.options);
    }
    n.tried = 1u << n.chosen;
    stack_.push_back(n);
    Node& placed = stack_.back();
    ++depth_;
    if (enter(placed) && shard_ordinal_is_foreign()) {  // another shard's subtree
      placed.tried = placed.options;  // nothing below it is ours
      counted_ = false;
      skip_rest_ = true;
    }
    return placed.chosen;
  }

  void end_run(std::uint32_t) override {
    if (!blocked_) end_before_shard_depth();
    if (blocked_) counted_ = false;
    if (c_.mo_deepening && off_top_ != round_) counted_ = false;  // an earlier round's
    stack_.resize(depth_);  // a run can end early (failure, pruning), dropping deeper nodes
    while (!stack_.empty()) {
      Node& n = stack_.back();
      const std::uint32_t rest = n.options & ~n.tried;
      if (rest) {
        n.chosen = __builtin_ctz(rest);
        n.tried |= 1u << n.chosen;
        return;
      }
      stack_.pop_back();
    }
    if (c_.mo_deepening && cut_) {  // the next round: one more write off the top
      ++round_;
      cut_ = false;
      return;
    }
    done_ = true;
  }

  std::string name() const override {
    std::string s = c_.reduction ? "exhaustive(sleep sets)" : "exhaustive(no reduction)";
    if (c_.shard_count > 1) s += " shard " + std::to_string(c_.shard_index) + "/" + std::to_string(c_.shard_count);
    if (c_.mo_deepening) s += " mo-deepening";
    if (c_.quirks) s += " quirks=" + std::to_string(c_.quirks);
    return s;
  }
  bool exhausted() const override { return done_; }
  bool run_counted() const override { return counted_; }
  std::string stats() const override {
    std::string s = std::to_string(sleep_blocked_) + " sleep-set blocked, " + std::to_string(foreign_) +
                    " other shards'";
    if (c_.mo_deepening) s += ", " + std::to_string(round_ + 1) + " mo rounds";
    return s;
  }

 private:
  struct Node {
    DecisionKind kind = DecisionKind::kThread;
    std::uint32_t options = 0;  // branches to explore (thread nodes: enabled minus sleep)
    std::uint32_t tried = 0;
    std::uint32_t sleep = 0;    // thread nodes: sleeping on entry
    int chosen = 0;
    PendingOp pending[kMaxThreads];
  };

  // The branches of a read, fault or mo node: every one the engine offers, unless a quirk drops
  // stale reads or this deepening round allows no more writes off the top.
  std::uint32_t data_options(const Decision& d) const {
    if (d.kind == DecisionKind::kRead && (c_.quirks & kQuirkDropStaleReads)) return 1u;
    if (d.kind == DecisionKind::kMo && c_.mo_deepening && off_top_ >= round_) return 1u;
    return d.enabled;
  }

  // Bookkeeping on entering a node on this run's path; true when it is the shard split node.
  bool enter(const Node& n) {
    if (n.kind == DecisionKind::kMo && n.chosen != 0) ++off_top_;
    if (n.kind == DecisionKind::kThread) prev_thread_ = static_cast<int>(&n - stack_.data());
    if (__builtin_popcount(n.options) < 2) return false;
    return ++branching_ == c_.shard_depth && c_.shard_count > 1;
  }

  // Threads asleep at a new thread node: those asleep or already explored at the previous
  // thread node, unless the transition taken there conflicts with their pending operation.
  std::uint32_t inherited_sleep() const {
    if (!c_.reduction || prev_thread_ < 0) return 0;
    const Node& p = stack_[static_cast<std::size_t>(prev_thread_)];
    std::uint32_t z = (p.sleep | p.tried) & ~(1u << p.chosen), keep = 0;
    for (; z; z &= z - 1) {
      const int u = __builtin_ctz(z);
      if ((c_.quirks & kQuirkSleepIgnoresConflicts) || !conflict(p.pending[u], p.pending[p.chosen]))
        keep |= 1u << u;
    }
    return keep;
  }

  // Runs that end before reaching the split depth are dealt out like subtrees.
  void end_before_shard_depth() {
    if (c_.shard_count > 1 && branching_ < c_.shard_depth && !ordinal_taken_ && shard_ordinal_is_foreign())
      counted_ = false;
  }
  bool shard_ordinal_is_foreign() {
    ordinal_taken_ = true;
    const bool overlap = (c_.quirks & kQuirkShardOverlap) && ordinal_ == 0;
    const bool foreign = ordinal_++ % static_cast<std::uint64_t>(c_.shard_count) !=
                             static_cast<std::uint64_t>(c_.shard_index) &&
                         !overlap;
    if (foreign) ++foreign_;
    return foreign;
  }

  ExhaustiveConfig c_;
  std::vector<Node> stack_;
  std::size_t depth_ = 0;
  int branching_ = 0;
  int prev_thread_ = -1;
  bool ordinal_taken_ = false;
  bool counted_ = true;
  bool blocked_ = false;
  bool skip_rest_ = false;
  bool done_ = false;
  std::uint64_t ordinal_ = 0;
  int round_ = 0;      // mo_deepening: writes off the top this round allows
  int off_top_ = 0;    // kMo choices other than the top on this run's path
  bool cut_ = false;   // this round offered some kMo node fewer branches than the engine
  std::uint64_t sleep_blocked_ = 0;
  std::uint64_t foreign_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_exhaustive(const ExhaustiveConfig& c) {
  return std::make_unique<ExhaustiveStrategy>(c);
}

}  // namespace interleave
