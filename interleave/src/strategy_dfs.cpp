// Exhaustive depth-first search over schedules with a preemption bound (Musuvathi & Qadeer,
// "Iterative context bounding", PLDI 2007): every schedule with at most `bound` preemptions
// is run once. Switching away from a thread that blocked, finished or paused is free.
//
// The tree is kept as the stack of decisions of the last run. A run replays the stack's
// prefix and then extends it with non-preemptive default choices; afterwards the deepest
// decision with an untried alternative inside the bound is advanced.
#include <vector>

#include "interleave/strategy.h"

namespace interleave {
namespace {

class DfsStrategy final : public Strategy {
 public:
  explicit DfsStrategy(int bound) : bound_(bound) {}

  bool begin_run() override {
    if (done_) return false;
    depth_ = 0;
    return true;
  }

  int pick(const Decision& d) override {
    if (depth_ < stack_.size()) return stack_[depth_++].chosen;  // replaying the prefix
    Node n;
    n.d = d;
    n.preemptions = depth_ ? stack_[depth_ - 1].preemptions_after() : 0;
    n.chosen = default_choice(d);
    n.tried = 1u << n.chosen;
    stack_.push_back(n);
    ++depth_;
    return n.chosen;
  }

  void end_run(std::uint32_t) override {
    stack_.resize(depth_);  // a run can end early (failure), dropping deeper nodes
    while (!stack_.empty()) {
      Node& n = stack_.back();
      for (std::uint32_t m = n.d.enabled & ~n.tried; m; m &= m - 1) {
        const int t = __builtin_ctz(m);
        n.tried |= 1u << t;
        if (n.preemptions + (is_preemption(n.d, t) ? 1 : 0) <= bound_) {
          n.chosen = t;
          return;
        }
      }
      stack_.pop_back();
    }
    done_ = true;
  }

  std::string name() const override { return "dfs(pb=" + std::to_string(bound_) + ")"; }
  bool exhausted() const override { return done_; }

 private:
  struct Node {
    Decision d;
    int preemptions = 0;  // preemptions before this decision
    int chosen = 0;
    std::uint32_t tried = 0;
    int preemptions_after() const { return preemptions + (is_preemption(d, chosen) ? 1 : 0); }
  };
  int bound_;
  std::vector<Node> stack_;
  std::size_t depth_ = 0;
  bool done_ = false;
};

class ReplayStrategy final : public Strategy {
 public:
  explicit ReplayStrategy(std::string choices) : choices_(std::move(choices)) {}
  bool begin_run() override {
    if (ran_) return false;
    ran_ = true;
    return true;
  }
  int pick(const Decision& d) override {
    if (d.step < choices_.size()) {
      const char c = choices_[d.step];
      if (d.kind == DecisionKind::kFault) return c == 'F' ? 1 : c == 'S' ? 0 : -1;
      return c - (d.kind == DecisionKind::kRead || d.kind == DecisionKind::kMo ? 'a' : '0');
    }
    return default_choice(d);
  }
  std::string name() const override { return "replay"; }

 private:
  std::string choices_;  // per decision: '0' + thread id, 'a' + k (k-th newest store), 'S'/'F'
  bool ran_ = false;
};

}  // namespace

std::unique_ptr<Strategy> make_dfs(int preemption_bound) {
  return std::make_unique<DfsStrategy>(preemption_bound);
}
std::unique_ptr<Strategy> make_replay(std::string choices) {
  return std::make_unique<ReplayStrategy>(std::move(choices));
}

}  // namespace interleave
